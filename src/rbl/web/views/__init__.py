"""Views of the web application, one module per screen group."""
