"""What a reader must find in every explorer card (``.attn-explorer``) of a rendered page.

Used by :func:`checks.check_page`: each card must have an accessible name and an
``aria-live`` region, and moving its first control like a reader (the keyboard: arrow
keys on a slider or on a group of buttons) must change the figure, its alt text and the
live region's text.
"""

from __future__ import annotations

_ACCESSIBILITY = """card => {
  const ids = (card.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
  const named = ids.map(id => document.getElementById(id)).filter(Boolean).map(n => n.textContent).join(' ');
  const live = Array.from(card.querySelectorAll('[aria-live="polite"],[aria-live="assertive"],[role="status"]'));
  return {name: (card.getAttribute('aria-label') || named).trim(), live: live.map(n => n.textContent.trim())};
}"""

#: Where a control stands: a slider's value, or the index of the checked button in its group.
_STATE = """el => el.type === 'radio'
  ? Array.from(document.getElementsByName(el.name)).findIndex(r => r.checked) : Number(el.value)"""

#: What the card says about its values: its live region, or (older cards) the text after the control.
_SAID = """card => {
  const live = card.querySelector('[aria-live]');
  if (live) return live.textContent;
  const el = card.querySelector('input.explorer-control');
  return el && el.nextElementSibling ? el.nextElementSibling.textContent : null;
}"""


def accessibility_problems(page, index: int) -> list[str]:
    """An accessible name (``aria-label`` or ``aria-labelledby`` with text) and a non-empty live region."""
    found = page.locator(".attn-explorer").nth(index).evaluate(_ACCESSIBILITY)
    problems = []
    if not found["name"]:
        problems.append(f"explorer {index}: no accessible name (aria-label, or aria-labelledby with text)")
    if not any(found["live"]):
        problems.append(f"explorer {index}: no aria-live region announcing the frame's values")
    return problems


def move_explorer(page, index: int, problems: list[str]) -> bool:
    """Move the first control of explorer ``index`` like a reader (keyboard) and check the figure changes."""
    explorer = page.locator(".attn-explorer").nth(index)
    control = explorer.locator("input.explorer-control").first
    figure = explorer.locator("img.explorer-frame")
    if control.count() == 0 or figure.count() == 0:
        problems.append(f"explorer {index}: no control or no figure")
        return False
    if control.get_attribute("type") == "radio":  # a group of buttons: arrow keys move the checked one
        control = explorer.locator(f'input[name="{control.get_attribute("name")}"]:checked')
        key = "ArrowRight"
    else:
        key = "ArrowLeft" if control.input_value() == control.get_attribute("max") else "ArrowRight"
    control.scroll_into_view_if_needed()
    before = (control.evaluate(_STATE), figure.get_attribute("src"), figure.get_attribute("alt"),
              explorer.evaluate(_SAID))
    control.focus()
    control.press(key)
    state, src, alt, said = (control.evaluate(_STATE), figure.get_attribute("src"), figure.get_attribute("alt"),
                             explorer.evaluate(_SAID))
    if state == before[0]:
        problems.append(f"explorer {index}: the control did not move")
        return False
    if src == before[1]:
        problems.append(f"explorer {index}: moving the control did not change the figure")
        return False
    if said == before[3]:
        problems.append(f"explorer {index}: the values announced did not follow the control")
    if not alt or alt == before[2]:
        problems.append(f"explorer {index}: the figure's alt text does not describe the new frame ({alt!r})")
    loaded = figure.evaluate("img => img.decode().then(() => img.naturalWidth)")
    if not loaded:
        problems.append(f"explorer {index}: the new frame did not load")
        return False
    return True
