"""Template filters for the publication: French typography applied while rendering HTML.

Registered as builtins of the publication's template engine (see publish.html), so the
templates never handle non-breaking spaces or superscripts themselves.
"""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from recueil.publish.typography import segments

register = template.Library()


@register.filter(is_safe=True)
def fr(value) -> SafeString:
    """Escaped text with French spacing and ordinals in <sup> (1<sup>er</sup>)."""
    if value is None:
        return mark_safe("")
    return mark_safe(
        "".join(f"<sup>{escape(c)}</sup>" if sup else escape(c) for c, sup in segments(str(value)))
    )


@register.filter(is_safe=True)
def fr_item(item) -> SafeString:
    """An item's text as `fr`, the lead verb of a COP paragraph in <em> (recueil.emphasis)."""
    from recueil.emphasis import split_lead

    lead, rest = split_lead(item.text, part=str(item.ref.part), kind=item.kind)
    if not lead:
        return fr(item.text)
    return mark_safe(f'<em class="un-verb">{fr(lead)}</em>{fr(rest)}')
