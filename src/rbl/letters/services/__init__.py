"""Business rules of letters and documents, as plain functions."""
