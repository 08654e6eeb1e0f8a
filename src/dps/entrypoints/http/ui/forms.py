"""Record forms: read the posted fields, run the use case, and on a user's mistake render the form again
with everything the user typed, the error under each field (422) or the conflict banner (409).

    @post("/opportunities/{raw_id:str}/edit", ...)
    def save(request, principal, data: FormBody, ...) -> Template | Redirect:
        form = FieldReader(data)
        return submit(
            lambda: UpdateOpportunity(deps)(principal, command_from(form)),
            on_success=lambda saved: Redirect(f"/opportunities/{saved.id}", status_code=303),
            render=lambda errors, conflict, status: page(request, "opportunities/form.html",
                status_code=status, context={"values": form.values, "errors": errors, "conflict": conflict, ...}),
            reader=form,
        )
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from litestar.enums import RequestEncodingType
from litestar.params import Body

from dps.application.shared.errors import Conflict, Invalid
from dps.entrypoints.http.ui.query_form import FieldReader

T = TypeVar("T")
R = TypeVar("R")

FormBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""A posted form as a dict; a repeated key (multi-select, table rows) arrives as a list."""
MultipartBody = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def submit(
    action: Callable[[], T],
    *,
    on_success: Callable[[T], R],
    render: Callable[[dict[str, str], Conflict | None, int], R],
    reader: FieldReader | None = None,
) -> R:
    """Run `action` unless the reader already found bad fields; map Invalid to 422 and Conflict to 409.

    Nothing is lost: `render` gets the errors and re-shows the typed values it holds."""
    if reader is not None and reader.errors:
        return render(dict(reader.errors), None, 422)
    try:
        result = action()
    except Invalid as e:
        return render(dict(e.errors), None, 422)
    except Conflict as e:
        if e.field is not None and e.current_version is None:  # a unique key taken: a field's error
            return render({e.field: e.message}, None, 422)
        return render({}, e, 409)
    return on_success(result)
