"""A tiny shop: products, customers and their orders."""
