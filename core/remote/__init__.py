"""Serving a running run to viewers: the JSON-lines codec, the protocol and the socket server."""
