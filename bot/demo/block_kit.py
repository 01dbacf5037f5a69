"""Slack's Block Kit limits, as the Slack stand-in enforces them on every message, modal and
Home it is sent: the counts, lengths and shapes Slack answers `invalid_blocks` for."""

from __future__ import annotations

from typing import Any

__all__ = ["check_blocks", "check_view"]

JsonDict = dict[str, Any]

_MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
_SELECTS = frozenset(
    {
        "static_select",
        "external_select",
        "users_select",
        "conversations_select",
        "channels_select",
        "multi_static_select",
        "multi_external_select",
        "multi_users_select",
        "multi_conversations_select",
        "multi_channels_select",
    }
)
_ACTION_ELEMENTS = _SELECTS | {
    "button",
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "overflow",
    "radio_buttons",
    "timepicker",
    "workflow_button",
}
_ACCESSORY_ELEMENTS = _ACTION_ELEMENTS | {"image"}
_INPUT_ELEMENTS = _SELECTS | {
    "checkboxes",
    "datepicker",
    "datetimepicker",
    "email_text_input",
    "file_input",
    "number_input",
    "plain_text_input",
    "radio_buttons",
    "rich_text_input",
    "timepicker",
    "url_text_input",
}
_KNOWN_ELEMENTS = _ACCESSORY_ELEMENTS | _INPUT_ELEMENTS


# --------------------------------------------------------------------------- Block Kit limits


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []
        # Slack requires action_ids to be unique within their containing block only;
        # the same action_id in several blocks is the normal way to build lists of rows.
        self._action_ids: set[str] = set()

    def fail(self, pointer: str, what: str) -> None:
        self.errors.append(f"[ERROR] {what} [json-pointer:{pointer}]")

    def string(
        self, parent: JsonDict, key: str, ptr: str, *, limit: int, required: bool = False
    ) -> None:
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(ptr, f"missing required field: {key}")
        elif not isinstance(value, str):
            self.fail(f"{ptr}/{key}", "must be a string")
        elif len(value) > limit:
            self.fail(f"{ptr}/{key}", f"must be less than {limit + 1} characters")

    def integer(self, parent: JsonDict, key: str, ptr: str, *, low: int, high: int) -> None:
        value = parent.get(key)
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{ptr}/{key}", "must be an integer")
        elif not low <= value <= high:
            self.fail(f"{ptr}/{key}", f"must be between {low} and {high}")

    def text(
        self,
        parent: JsonDict,
        key: str,
        ptr: str,
        *,
        limit: int,
        plain: bool = False,
        required: bool = True,
    ) -> None:
        obj = parent.get(key)
        if obj is None:
            if required:
                self.fail(ptr, f"missing required field: {key}")
            return
        self.text_object(obj, f"{ptr}/{key}", limit=limit, plain=plain)

    def text_object(self, obj: Any, ptr: str, *, limit: int, plain: bool = False) -> None:
        if not isinstance(obj, dict):
            self.fail(ptr, "must be a text object")
            return
        kind = obj.get("type")
        if kind not in ("plain_text", "mrkdwn"):
            self.fail(f"{ptr}/type", "must be one of: plain_text, mrkdwn")
        elif plain and kind != "plain_text":
            self.fail(f"{ptr}/type", "must be plain_text")
        body = obj.get("text")
        if not isinstance(body, str) or not body:
            self.fail(f"{ptr}/text", "must be more than 0 characters")
        elif len(body) > limit:
            self.fail(f"{ptr}/text", f"must be less than {limit + 1} characters")

    def array(
        self,
        parent: JsonDict,
        key: str,
        ptr: str,
        *,
        most: int,
        least: int = 0,
        required: bool = True,
    ) -> list[Any]:
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(ptr, f"missing required field: {key}")
            return []
        if not isinstance(value, list):
            self.fail(f"{ptr}/{key}", "must be an array")
            return []
        if len(value) > most:
            self.fail(f"{ptr}/{key}", f"must provide no more than {most} items")
        if len(value) < least:
            self.fail(f"{ptr}/{key}", f"must provide at least {least} items")
        return value

    # blocks

    def blocks(self, blocks: Any, ptr: str, *, limit: int) -> None:
        if not isinstance(blocks, list):
            self.fail(ptr, "must be an array")
            return
        if len(blocks) > limit:
            self.fail(ptr, f"must provide no more than {limit} items")
        seen: set[str] = set()
        for index, block in enumerate(blocks):
            self.block(block, f"{ptr}/{index}", seen)

    # A routing table with one case per Block Kit type: long, but each case is one line.
    def block(self, block: Any, ptr: str, seen_block_ids: set[str]) -> None:  # noqa: C901
        if not isinstance(block, dict):
            self.fail(ptr, "must be an object")
            return
        block_id = block.get("block_id")
        self.string(block, "block_id", ptr, limit=255)
        if isinstance(block_id, str):
            if block_id in seen_block_ids:
                self.fail(f"{ptr}/block_id", f"duplicate block_id: {block_id}")
            seen_block_ids.add(block_id)
        self._action_ids = set()
        kind = block.get("type")
        match kind:
            case "section":
                self.section(block, ptr)
            case "header":
                self.text(block, "text", ptr, limit=150, plain=True)
            case "divider":
                pass
            case "context":
                self.context(block, ptr)
            case "actions":
                for index, element in enumerate(
                    self.array(block, "elements", ptr, most=25, least=1)
                ):
                    self.element(element, f"{ptr}/elements/{index}", _ACTION_ELEMENTS)
            case "input":
                self.input(block, ptr)
            case "image":
                self.image_source(block, ptr)
                self.text(block, "title", ptr, limit=2000, plain=True, required=False)
            case "rich_text":
                self.array(block, "elements", ptr, most=10_000)
            case "file":
                self.string(block, "external_id", ptr, limit=255, required=True)
                self.string(block, "source", ptr, limit=255, required=True)
            case "video":
                self.text(block, "title", ptr, limit=200, plain=True)
                self.string(block, "alt_text", ptr, limit=2000, required=True)
                self.string(block, "video_url", ptr, limit=3000, required=True)
                self.string(block, "thumbnail_url", ptr, limit=3000, required=True)
            case "markdown":
                self.string(block, "text", ptr, limit=12_000, required=True)
            case _:
                self.fail(f"{ptr}/type", f"unsupported block type: {kind!r}")

    def section(self, block: JsonDict, ptr: str) -> None:
        if block.get("text") is None and block.get("fields") is None:
            self.fail(ptr, "must provide either text or fields")
        self.text(block, "text", ptr, limit=3000, required=False)
        fields = self.array(block, "fields", ptr, most=10, required=False)
        for index, item in enumerate(fields):
            self.text_object(item, f"{ptr}/fields/{index}", limit=2000)
        accessory = block.get("accessory")
        if accessory is not None:
            self.element(accessory, f"{ptr}/accessory", _ACCESSORY_ELEMENTS)

    def context(self, block: JsonDict, ptr: str) -> None:
        for index, item in enumerate(self.array(block, "elements", ptr, most=10, least=1)):
            where = f"{ptr}/elements/{index}"
            if isinstance(item, dict) and item.get("type") == "image":
                self.image_source(item, where)
            else:
                self.text_object(item, where, limit=3000)

    def input(self, block: JsonDict, ptr: str) -> None:
        self.text(block, "label", ptr, limit=2000, plain=True)
        self.text(block, "hint", ptr, limit=2000, plain=True, required=False)
        element = block.get("element")
        if element is None:
            self.fail(ptr, "missing required field: element")
        else:
            self.element(element, f"{ptr}/element", _INPUT_ELEMENTS)

    def image_source(self, node: JsonDict, ptr: str) -> None:
        if node.get("slack_file") is None:
            self.string(node, "image_url", ptr, limit=3000, required=True)
        self.string(node, "alt_text", ptr, limit=2000, required=True)

    # elements

    # A routing table with one case per element type, like `block`.
    def element(self, element: Any, ptr: str, allowed: frozenset[str]) -> None:  # noqa: C901
        if not isinstance(element, dict):
            self.fail(ptr, "must be an object")
            return
        kind = element.get("type")
        if kind not in _KNOWN_ELEMENTS:
            self.fail(f"{ptr}/type", f"unsupported element type: {kind!r}")
            return
        if kind not in allowed:
            self.fail(f"{ptr}/type", f"element type {kind} is not allowed here")
            return
        self.action_id(element, ptr)
        match kind:
            case "button" | "workflow_button":
                self.text(element, "text", ptr, limit=75, plain=True)
                self.string(element, "value", ptr, limit=2000)
                self.string(element, "url", ptr, limit=3000)
                self.string(element, "accessibility_label", ptr, limit=75)
                style = element.get("style")
                if style is not None and style not in ("primary", "danger"):
                    self.fail(f"{ptr}/style", "must be one of: primary, danger")
            case "overflow":
                for index, option in enumerate(
                    self.array(element, "options", ptr, most=5, least=1)
                ):
                    self.option(option, f"{ptr}/options/{index}", mrkdwn=False, url=True)
            case "checkboxes" | "radio_buttons":
                for index, option in enumerate(
                    self.array(element, "options", ptr, most=10, least=1)
                ):
                    self.option(option, f"{ptr}/options/{index}", mrkdwn=True)
            case "plain_text_input":
                self.text(element, "placeholder", ptr, limit=150, plain=True, required=False)
                self.integer(element, "max_length", ptr, low=1, high=3000)
                self.integer(element, "min_length", ptr, low=0, high=3000)
                self.string(element, "initial_value", ptr, limit=3000)
            case "image":
                self.image_source(element, ptr)
            case "datetimepicker" | "file_input":
                pass
            case _:
                self.text(element, "placeholder", ptr, limit=150, plain=True, required=False)
        if kind in ("static_select", "multi_static_select"):
            self.static_options(element, ptr)
        self.confirm(element, ptr)

    def action_id(self, element: JsonDict, ptr: str) -> None:
        action_id = element.get("action_id")
        self.string(element, "action_id", ptr, limit=255)
        if isinstance(action_id, str):
            if action_id in self._action_ids:
                self.fail(f"{ptr}/action_id", f"duplicate action_id: {action_id}")
            self._action_ids.add(action_id)

    def static_options(self, element: JsonDict, ptr: str) -> None:
        has_options = element.get("options") is not None
        if has_options == (element.get("option_groups") is not None):
            self.fail(ptr, "must provide exactly one of: options, option_groups")
        if has_options:
            for index, option in enumerate(self.array(element, "options", ptr, most=100)):
                self.option(option, f"{ptr}/options/{index}", mrkdwn=False)
            return
        groups = self.array(element, "option_groups", ptr, most=100, required=False)
        for index, group in enumerate(groups):
            where = f"{ptr}/option_groups/{index}"
            if not isinstance(group, dict):
                self.fail(where, "must be an object")
                continue
            self.text(group, "label", where, limit=75, plain=True)
            for position, option in enumerate(self.array(group, "options", where, most=100)):
                self.option(option, f"{where}/options/{position}", mrkdwn=False)

    def option(self, option: Any, ptr: str, *, mrkdwn: bool, url: bool = False) -> None:
        if not isinstance(option, dict):
            self.fail(ptr, "must be an object")
            return
        self.text(option, "text", ptr, limit=75, plain=not mrkdwn)
        self.string(option, "value", ptr, limit=150, required=True)
        self.text(option, "description", ptr, limit=75, plain=not mrkdwn, required=False)
        if url:
            self.string(option, "url", ptr, limit=3000)

    def confirm(self, element: JsonDict, ptr: str) -> None:
        dialog = element.get("confirm")
        if dialog is None:
            return
        where = f"{ptr}/confirm"
        if not isinstance(dialog, dict):
            self.fail(where, "must be an object")
            return
        self.text(dialog, "title", where, limit=100, plain=True)
        self.text(dialog, "text", where, limit=300)
        self.text(dialog, "confirm", where, limit=30, plain=True)
        self.text(dialog, "deny", where, limit=30, plain=True)


def check_blocks(blocks: list[dict[str, Any]], *, surface: str) -> list[str]:
    """Return Slack-style "[ERROR] ... [json-pointer:...]" messages for blocks on a surface.

    surface is "message", "modal" or "home"; an empty list means Slack would accept them.
    """
    if surface not in _MAX_BLOCKS:
        raise ValueError(f"surface must be one of {sorted(_MAX_BLOCKS)}, not {surface!r}")
    checker = _Checker()
    root = "/blocks" if surface == "message" else "/view/blocks"
    checker.blocks(blocks, root, limit=_MAX_BLOCKS[surface])
    return checker.errors


def check_view(view: dict[str, Any]) -> list[str]:
    """Return Slack-style error messages for a modal or home view, blocks included."""
    checker = _Checker()
    ptr = "/view"
    if not isinstance(view, dict):
        checker.fail(ptr, "must be an object")
        return checker.errors
    kind = view.get("type")
    if kind not in ("modal", "home"):
        checker.fail(f"{ptr}/type", "must be one of: modal, home")
    blocks = view.get("blocks")
    if blocks is None:
        checker.fail(ptr, "missing required field: blocks")
    else:
        checker.blocks(blocks, f"{ptr}/blocks", limit=_MAX_BLOCKS["modal"])
    if kind == "modal":
        checker.text(view, "title", ptr, limit=24, plain=True)
        checker.text(view, "submit", ptr, limit=24, plain=True, required=False)
        checker.text(view, "close", ptr, limit=24, plain=True, required=False)
        has_input = isinstance(blocks, list) and any(
            isinstance(block, dict) and block.get("type") == "input" for block in blocks
        )
        if has_input and view.get("submit") is None:
            checker.fail(ptr, "must provide a submit property when using input blocks")
    checker.string(view, "private_metadata", ptr, limit=3000)
    checker.string(view, "callback_id", ptr, limit=255)
    checker.string(view, "external_id", ptr, limit=255)
    return checker.errors
