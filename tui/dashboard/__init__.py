"""The live dashboard: the app, its screen, the pure state it draws from, the key table."""
