"""Auditors' decision search (GET /v1/decisions) and the read-only auditor pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
