"""Mechanisms shared by every domain: access rules, i18n, security headers, error pages."""
