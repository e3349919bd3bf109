"""Tools for the bilingual format."""
