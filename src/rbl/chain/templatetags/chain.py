"""The chain-partner section of the case page: `{% case_chain case %}`."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("chain/_case_chain.html", takes_context=True)
def case_chain(context: Any, case: Any) -> dict[str, Any]:
    from rbl.chain.forms import SentForm
    from rbl.chain.views import case_chain_context

    data = case_chain_context(context["request"].user, case, editable=bool(context.get("editable")))
    data["case"] = case
    data["csrf_token"] = context.get("csrf_token")
    for n in data["svb_items"]:
        n.sent_form = (
            SentForm(
                initial={"version": n.version, "sent_on": data["today"]}, auto_id=f"svb{n.pk}_%s"
            )
            if not n.sent_on
            else None
        )
    return data
