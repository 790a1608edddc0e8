"""The set-up screens of the region (/inrichting/): the hub and the region's
terms, agreement and building blocks (region.py), staff and roles (staff.py)."""
