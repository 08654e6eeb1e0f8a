"""Postal directories (郵便番号): the places of a postal code, offline."""
