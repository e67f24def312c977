"""Editors of the project: the inspector, forms, tables and their delegates, scenario, policy and lever editors."""
