"""The national funnel plot's Vega-Lite specification is written out by hand (wres.render.charts.funnel_chart)
so that `wres national` need not import and build altair's objects (seconds for a national run). It must be
exactly the specification altair gives for the same chart, so the SVG drawn from it is the same: the altair
chart below is the one the funnel was first drawn with."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from typing import Any

import pytest

from wres import national
from wres.render import charts


def altair_spec(funnel: dict[str, Any]) -> dict[str, Any]:
    """The funnel chart as altair builds it (the reference), from the same data the chart draws."""
    import altair as alt

    plain = charts.funnel_chart("x", "t", funnel).spec
    curves, centre, points = (layer["data"]["values"] for layer in plain["layer"])
    domain = plain["layer"][0]["encoding"]["y"]["scale"]["domain"]
    x = alt.X("precision:Q", title="Precision (1 / standard error of ln relative likelihood)", scale=alt.Scale(zero=False))
    y = alt.Y("rl:Q", scale=alt.Scale(type="log", domain=domain), title="Relative likelihood (log scale)", axis=alt.Axis(format=".2f"))
    limits = alt.Chart(alt.Data(values=curves)).mark_line(color=charts.GREY, strokeWidth=1.5).encode(
        x=x, y=y, detail="line:N",
        strokeDash=alt.StrokeDash("limit:N", scale=alt.Scale(domain=["95% limits", "99.8% limits"], range=[[6, 3], [1, 0]]),
                                  legend=alt.Legend(title=None, orient="bottom")))
    rule = alt.Chart(alt.Data(values=centre)).mark_rule(color="#0b0c0c", strokeDash=[2, 2]).encode(
        y=alt.Y("rl:Q", scale=alt.Scale(type="log", domain=domain)))
    flags = [f[0] for f in charts.FUNNEL_FLAGS.values()]
    dots = alt.Chart(alt.Data(values=points)).mark_point(size=60, filled=True, opacity=0.85).encode(
        x=x, y=y,
        color=alt.Color("flag:N", scale=alt.Scale(domain=flags, range=[f[1] for f in charts.FUNNEL_FLAGS.values()]),
                        legend=alt.Legend(title=None, orient="bottom")),
        shape=alt.Shape("flag:N", scale=alt.Scale(domain=flags, range=[f[2] for f in charts.FUNNEL_FLAGS.values()]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=["authority:N", "text:N", "flag:N"])
    chart = (limits + rule + dots).properties(width=520, height=300)
    return charts._config(chart).to_dict(validate=False)  # type: ignore[no-any-return]


def a_funnel(seed: int, k: int) -> dict[str, Any]:
    rng = random.Random(seed)
    points = [(f"LA-{i:03d}", rng.lognormvariate(0, 0.4), rng.uniform(0.08, 0.6)) for i in range(k)]
    return national.funnel(points, rng.uniform(0.6, 1.6))


@pytest.mark.parametrize("seed,k", [(1, 3), (2, 12), (3, 150)])
def test_funnel_specification_is_altairs(seed: int, k: int) -> None:
    funnel = a_funnel(seed, k)
    got = charts.funnel_chart("funnel-M3", "M3", funnel).spec
    assert got["layer"][2]["data"]["values"], "the funnel draws its authorities"
    assert json.dumps(got, sort_keys=True) == json.dumps(altair_spec(funnel), sort_keys=True)


def test_drawing_a_funnel_imports_no_altair() -> None:
    code = ("import sys, json; from wres.render import charts; from wres import national; "
            "charts.funnel_chart('f', 't', national.funnel([('A', 1.2, 0.2), ('B', 0.8, 0.3)], 1.0)); "
            "print('altair' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_drawer_draws_what_the_chart_draws_and_stands_in_for_a_dead_one() -> None:
    """`wres national` draws its funnels in a helper process (render.national.Drawer): the SVG must be Chart.svg()'s
    to the byte, and a drawer that died (killed, out of memory) is replaced by drawing in this process."""
    from wres.render.national import Drawer

    chart = charts.funnel_chart("funnel-M3", "M3", a_funnel(4, 12))
    drawer = Drawer()
    drawer.start([chart.spec])
    assert drawer.result([chart]) == [chart.svg()]
    dead = Drawer()
    dead.close()  # killed before it drew
    dead.start([chart.spec])
    assert dead.result([chart]) == [chart.svg()]


def test_two_drawers_share_the_charts_and_keep_their_order() -> None:
    """`wres national` starts a second drawer once the returns are read (Drawer.widen): each draws every other
    chart, and the SVGs come back in the charts' order; a second drawer that died is stood in for here, and a
    single chart leaves the second drawer unused."""
    from wres.render.national import Drawer

    drawn = [charts.funnel_chart(f"funnel-M{k}", f"M{k}", a_funnel(k, 12)) for k in (2, 3, 4)]
    expected = [chart.svg() for chart in drawn]
    assert len(set(expected)) == 3
    drawer = Drawer()
    drawer.widen()
    drawer.start([chart.spec for chart in drawn])
    assert drawer.result(drawn) == expected
    half_dead = Drawer()
    half_dead.widen()
    half_dead._engines[1].close()  # the second killed before it drew
    half_dead.start([chart.spec for chart in drawn])
    assert half_dead.result(drawn) == expected
    one = Drawer()
    one.widen()
    one.start([drawn[0].spec])
    assert len(one._engines) == 1
    assert one.result(drawn[:1]) == expected[:1]
