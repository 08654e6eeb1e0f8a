"""SQL repositories of the sales context, one module per aggregate family."""
