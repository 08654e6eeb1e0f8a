"""商品 products and categories, the source of opportunity product lines."""
