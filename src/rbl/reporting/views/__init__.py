"""The screens of the figures: the live dashboard and the data-quality report."""
