"""Helpers shared by the tests under swiftvr/ (test modules import these, never each other); not shipped."""
