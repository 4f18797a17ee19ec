"""Server-rendered Chinese pages for applicants and policy staff (filled in by the web work)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
