"""Use cases of the sales context, one subpackage per aggregate family."""
