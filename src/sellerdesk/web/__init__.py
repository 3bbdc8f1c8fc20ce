"""The web app: a thin shell over the services (see :func:`sellerdesk.web.app.create_app`)."""
