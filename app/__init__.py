"""Houfu — 搬迁群众后续扶持台账: archives and ledgers for a town's relocated households."""

__version__ = "0.1.0"
APP_NAME = "搬迁群众后续扶持台账"
