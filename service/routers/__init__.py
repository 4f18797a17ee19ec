"""HTTP routers by area, included by service.app."""
