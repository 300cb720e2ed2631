"""The roster (花名册): Excel import of people with a dry run, and export of the people list."""
