"""Operating RBL: backups of the database and the stored documents, and
restoring them (`rbl backup`, `rbl herstel`)."""
