"""The sales context: accounts, persons, business cards, opportunities, activities, leads,
campaigns, budgets and what they share (ownership, staff, 非公開, relations, custom fields)."""
