"""og/render.py: :class:`og.Renderer` is a façade over planning (og/plan.py), the card service
(og/cards.py) and the stages (og/stages.py); what callers ask it, the pieces answer the same."""

from __future__ import annotations

import typing as t

import pytest

import og
from og import stages
from og.cards import CardService
from og.plan import Planner
from og.storage import Entry
from tests.conftest import BUNDLED_TEMPLATES
from tests.conftest import settings_for


@pytest.fixture
def renderer(fonts: t.Any) -> og.Renderer:
    return og.Renderer(settings_for(BUNDLED_TEMPLATES), fonts=fonts)


def test_the_pieces_are_the_renderers_own(renderer: og.Renderer) -> None:
    assert isinstance(renderer.planner, Planner) and isinstance(renderer.cards, CardService)
    assert renderer.cards.planner is renderer.planner and renderer.cards.tools is renderer.tools
    assert renderer.tools.caches is renderer.caches and renderer.tools.fonts is renderer.fonts
    assert renderer.backend is renderer.tools.backend
    assert renderer.storage is renderer.cards.storage


def test_planning_agrees(renderer: og.Renderer) -> None:
    plan = renderer.plan("article", {"title": "Façade"}, "webp", dpr="1.6")
    assert plan == renderer.planner.plan("article", {"title": "Façade"}, "webp", dpr="1.6")
    assert plan.dpr == 1.5 and plan.key == renderer.key(plan.template, plan.values, "webp", 1.5)
    assert renderer.version(plan.template) == renderer.planner.version(plan.template)
    assert renderer.image_url("article", title="x") == renderer.planner.image_url("article", title="x")
    assert f"v={renderer.version(plan.template)}" in renderer.image_url("article", title="x")


def test_cards_agree_and_are_counted_once(renderer: og.Renderer) -> None:
    plan = renderer.plan("quote", {"quote": "One card"}, "png")
    body = renderer.render_plan(plan)
    assert renderer.cards.card(plan).body == body == renderer.render("quote", {"quote": "One card"})
    assert renderer.renders == renderer.cards.renders == 1, "the storage answered the second and third"
    here = renderer.render_here(plan, {})
    assert here.body == stages.run(renderer.tools, plan, renderer.planner.quality(plan.template), {}).body
    assert renderer.report(plan) == renderer.report(renderer.plan("quote", {"quote": "One card"}, "json"))


def test_a_pool_set_on_the_renderer_renders_its_cards(renderer: og.Renderer) -> None:
    class Recorded:
        def __init__(self) -> None:
            self.plans: list[str] = []

        def render(self, plan: og.render.Plan, timings: dict[str, float] | None = None) -> Entry:
            self.plans.append(plan.key)
            return Entry(b"from the pool", "image/png")

        def vet(self, name: str) -> None:
            pass

    pool = Recorded()
    renderer.pool = pool
    assert renderer.cards.pool is pool
    plan = renderer.plan("profile", {"name": "Pooled"}, "png")
    assert renderer.render_plan(plan) == b"from the pool" and pool.plans == [plan.key]
    renderer.pool = None
    assert renderer.cards.pool is None
