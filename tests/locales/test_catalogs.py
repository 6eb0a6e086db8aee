"""Both languages say everything, and user-facing text lives only in the catalogs."""

import ast
import re
import shutil
import string
from pathlib import Path

import pytest
from babel.core import Locale

from locales import HERE, LANGUAGES, catalog, read_catalog

ROOT = Path(__file__).parents[2]
# Code whose strings may reach users. The fake Telegram server is test tooling, and the demo's
# literals are what its scripted users type, not what the bot says.
USER_FACING = [
    p
    for package in ("handlers", "bot")
    for p in (ROOT / package).rglob("*.py")
    # the demo's and the screens files' scripted users type text; the screens file's headings
    # are a developers' document, not the bot's
    if "fake_telegram" not in p.parts and p.name not in ("demo.py", "screens.py")
]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SENTENCE = re.compile(r"[A-Za-z]+[ ,]+[A-Za-z]+[ ,]+[A-Za-z]+")
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}
# A programming error, or a failure on the wire to Telegram (bot/http_client.py: logged and
# reported to the admins with its trace, never shown to a participant).
NOT_FOR_USERS = {"RuntimeError", "ConnectionError"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


ORDINAL = "ordinal"  # read by `ordinal`, in the language's ordinal forms (1st, 2nd, 3rd, 4th)
PLURAL = re.compile(r"^(?P<base>.+)\.(?P<form>zero|one|two|few|many|other)$")


def counted_bases() -> set[str]:
    """Keys read by `tn`: English has a `one` form for each (`fairday.reason.other` alone is
    a plain key, the reason "other")."""
    forms = (PLURAL.match(key) for key in catalog("en"))
    return {found["base"] for found in forms if found and found["form"] == "one"} - {ORDINAL}


def plural_forms(language: str) -> dict[str, set[str]]:
    """Counted keys (`key.one`, `key.other`) by base key, with their forms."""
    forms: dict[str, set[str]] = {}
    for key in catalog(language):
        if (found := PLURAL.match(key)) and found["base"] in counted_bases():
            forms.setdefault(found["base"], set()).add(found["form"])
    return forms


def plain_keys(language: str) -> set[str]:
    return {
        key
        for key in catalog(language)
        if not ((found := PLURAL.match(key)) and found["base"] in counted_bases() | {ORDINAL})
    }


def test_both_languages_have_the_same_non_empty_keys():
    korean, english = catalog("ko"), catalog("en")
    assert plain_keys("ko") == plain_keys("en")
    assert set(plural_forms("ko")) == set(plural_forms("en"))
    assert [key for key in korean if not korean[key].strip()] == []
    assert [key for key in english if not english[key].strip()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_counted_texts_have_exactly_the_languages_plural_forms(language):
    """CLDR: Korean has only `other`, English `one` and `other`."""
    expected = set(Locale.parse(language).plural_form.tags) | {"other"}
    wrong = {b: f for b, f in plural_forms(language).items() if f != expected}
    assert wrong == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_ranks_have_exactly_the_languages_ordinal_forms(language):
    """CLDR: Korean has only `other` (1순위), English `one two few other` (1st 2nd 3rd 4th)."""
    expected = set(Locale.parse(language).ordinal_form.tags) | {"other"}
    found = {
        m["form"] for key in catalog(language) if (m := PLURAL.match(key)) and m["base"] == ORDINAL
    }
    assert found == expected


def test_translations_use_the_same_placeholders():
    korean, english = catalog("ko"), catalog("en")
    plain = [k for k in plain_keys("ko") if placeholders(korean[k]) != placeholders(english[k])]
    assert plain == []
    # `other` says the same in both; a `one` form may leave out the count it spells
    counted = [
        base
        for base in plural_forms("ko")
        if placeholders(korean[f"{base}.other"]) != placeholders(english[f"{base}.other"])
        or not placeholders(english[f"{base}.one"]) <= placeholders(english[f"{base}.other"])
    ]
    assert counted == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_key_is_defined_in_two_files(language):
    seen: dict[str, str] = {}
    clashes = []
    for path in sorted((HERE / language).glob("*.po")):
        for key in read_catalog(path, language):
            if key in seen:
                clashes.append((key, seen[key], path.name))
            seen[key] = path.name
    assert clashes == []


def literal_keys(tree: ast.AST) -> set[str]:
    """Keys passed as plain literals to t(...) or button(...); for tn(...) its `.other` form."""
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tn":
            keys.update(
                f"{argument.value}.other"
                for argument in node.args[1:2]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str)
            )
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"t", "button"}:
            keys.update(
                argument.value
                for argument in node.args[:2]
                if isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
                and "." in argument.value
            )
    return keys


def test_every_literal_key_in_the_code_exists():
    known = set(catalog("en"))
    missing = {}
    for path in USER_FACING:
        for key in literal_keys(ast.parse(path.read_text(encoding="utf-8"))) - known:
            missing[key] = path.name
    assert missing == {}


def user_text_literals(tree: ast.AST) -> list[str]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):  # docstring
            skipped.add(id(first.value))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in NOT_FOR_USERS:
            skipped.update(id(n) for n in ast.walk(node))  # such an exception, raised or not
        if isinstance(node, ast.Call):
            method = getattr(node.func, "attr", None)
            # re.compile: a pattern that reads a text (argparse's English refusals), not one shown
            operator_text = method in LOG_METHODS or method in {"add_argument", "compile"}
            if operator_text or getattr(node.func, "id", None) == "add_parser":
                skipped.update(id(n) for n in ast.walk(node))
            for keyword in node.keywords:
                if keyword.arg in {"help", "description"}:
                    skipped.update(id(n) for n in ast.walk(keyword.value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and (HANGUL.search(node.value) or SENTENCE.search(node.value))
    ]


def test_no_user_facing_text_in_code():
    found = {}
    for path in USER_FACING:
        texts = user_text_literals(ast.parse(path.read_text(encoding="utf-8")))
        if texts:
            found[str(path.relative_to(ROOT))] = texts
    assert found == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_command_descriptions_leave_the_admins_mark_to_the_menu(language):
    """The admins' menu adds "(admins)" itself (`command.for_admins`); /help lists the plain
    description."""
    texts = catalog(language)
    mark = texts["command.for_admins"].replace("{description}", "").strip()
    marked = [key for key, text in texts.items() if key.startswith("command.") and mark in text]
    assert marked == ["command.for_admins"]


def test_the_catalogs_copy_is_read_only_while_the_files_are_unchanged(tmp_path, monkeypatch):
    """`catalog` keeps what Babel read in a copy (locales.CACHE) and loads it from there in the
    next process; a .po file changed since is read again."""
    import locales

    shutil.copytree(HERE / "en", tmp_path / "en")
    monkeypatch.setattr(locales, "HERE", tmp_path)
    monkeypatch.setattr(locales, "CACHE", tmp_path / "copies")
    read = locales.catalog.__wrapped__  # as a new process, which has none cached in memory
    first = read("en")
    assert first == catalog("en")
    assert (tmp_path / "copies" / "catalog-en.marshal").exists()

    def unread(path: Path, language: str) -> dict[str, str]:
        raise AssertionError(f"{path.name} read again")

    with monkeypatch.context() as patched:
        patched.setattr(locales, "read_catalog", unread)
        assert read("en") == first
    with (tmp_path / "en" / "core.po").open("a", encoding="utf-8") as po:
        po.write('\nmsgid "test.added"\nmsgstr "Added"\n')
    assert read("en") == first | {"test.added": "Added"}
