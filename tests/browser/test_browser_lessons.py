"""Scenario 1: a student opens each lesson (solution version) and runs every cell in JupyterLab.

What a person would see: no error output, every matplotlib figure drawn as an image, every
ipywidgets explorer drawn as controls, and in the lessons with explorers (02, 04, 05) moving one
slider redraws the explorer's figure or output.
"""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLIDER_LESSONS = {"02_neuron", "04_activations", "05_universal_approximation"}
README_LESSON = "02_neuron"  # the student screenshot: a lesson with an explorer

# A figure or widget that failed to render shows its text fallback instead of the image / controls.
_RENDER_STATE_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const imgs = [...panel.querySelectorAll(".jp-OutputArea-output img[src^='data:image/png']")];
  const texts = [...panel.querySelectorAll(".jp-OutputArea-output[data-mime-type='text/plain']")]
      .map(e => e.innerText);
  const widgets = [...panel.querySelectorAll(
      ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.widget-view+json']")];
  return {
    images: imgs.length,
    undecoded: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    figure_reprs: texts.filter(t => /^<Figure size/m.test(t)).length,
    widgets: widgets.length,
    widgets_drawn: widgets.filter(w => w.querySelector('.jupyter-widgets, .widget-box, .widget-slider')).length,
    widget_errors: widgets.filter(w => /Error displaying widget|Loading widget/.test(w.innerText)).length,
    sliders: panel.querySelectorAll('.widget-slider .noUi-handle').length,
  };
}"""

# What an explorer shows, without the slider's own readout: its images and printed output.
_EXPLORER_JS = """(index) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const handle = panel.querySelectorAll('.widget-slider .noUi-handle')[index];
  const area = handle.closest('.jp-OutputArea-output');
  const imgs = [...area.querySelectorAll('img')].map(i => i.src).join('|');
  const outs = [...area.querySelectorAll('.widget-output, .widget-html, .widget-label')]
      .map(e => e.innerHTML).join('|');
  return imgs + '#' + outs;
}"""


def _plots(notebook) -> bool:
    return any(
        cell["cell_type"] == "code"
        and any(k in "".join(cell["source"]) for k in ("plt.", "plot.", "nnlib.plot", "show_"))
        for cell in notebook["cells"]
    )


@pytest.mark.timeout(1200)
def test_student_runs_lesson(lesson, course, ui, steps, page, readme_screenshot):
    """``lesson``: every lesson with a solution notebook (parametrized in conftest.py)."""
    path = f"solutions/{lesson}/{lesson}.ipynb"
    notebook = json.loads((course.root / path).read_text())

    with steps(f"open {path}, kernel ready"):
        ui.open_notebook(path, workspace=f"lesson-{lesson}")

    with steps("Run > Run All Cells, every cell runs"):
        state = ui.run_all(timeout=900_000)  # the capstone trains for minutes on a loaded 2-core machine
        errors = ui.error_texts()
        assert not errors, f"error output in {lesson}:\n" + "\n---\n".join(e[-1500:] for e in errors)
        assert state["blank"] == 0 and state["busy"] == 0, f"cells left unexecuted: {state}"

    with steps("figures are images, explorers are drawn"):
        page.wait_for_function(f"() => ({_RENDER_STATE_JS})().widget_errors === 0", timeout=30_000)
        render = page.evaluate(_RENDER_STATE_JS)
        assert render["figure_reprs"] == 0, f"{render['figure_reprs']} figure(s) shown as text, not drawn: {render}"
        assert render["undecoded"] == 0, f"{render['undecoded']} image(s) not decoded: {render}"
        if _plots(notebook):
            assert render["images"] > 0, f"{lesson} draws figures but none is shown: {render}"
        assert render["widgets_drawn"] == render["widgets"], f"widgets not drawn: {render}"
        if lesson in SLIDER_LESSONS:
            assert render["sliders"] > 0, f"{lesson} shows no slider explorer: {render}"

    if lesson in SLIDER_LESSONS:
        with steps("moving a slider redraws the explorer"):
            handle = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-slider .noUi-handle").first
            handle.scroll_into_view_if_needed()
            before = page.evaluate(_EXPLORER_JS, 0)
            readout = (
                handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]")
                .locator(".widget-readout")
                .inner_text()
            )
            handle.focus()
            page.keyboard.press("ArrowRight")  # one step: one update, so the idle after it is final
            page.wait_for_function(f"(b) => ({_EXPLORER_JS})(0) !== b", arg=before, timeout=30_000)
            after_readout = (
                handle.locator("xpath=ancestor::div[contains(@class,'widget-slider')][1]")
                .locator(".widget-readout")
                .inner_text()
            )
            assert after_readout != readout, f"the slider did not move ({readout!r})"
            ui.wait_kernel_idle()
            # show the explorer with the text that introduces it (the cell just above)
            page.evaluate("""() => {
                const h = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-slider .noUi-handle');
                const cell = h.closest('.jp-Cell');
                (cell.previousElementSibling || cell).scrollIntoView({block: 'start'});
            }""")
        if lesson == README_LESSON:
            readme_screenshot(page, "student")
