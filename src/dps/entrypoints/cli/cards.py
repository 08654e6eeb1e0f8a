"""`dps cards read IMAGE...`: read business-card images into fields with the local OCR (the same reader
the upload flow uses). Needs no database and no tenant.

With `--json`, each image gives one line holding one JSON object with exactly the keys company,
department, title, family_name, given_name, family_kana, given_kana, postal_code, address, phone, fax,
mobile, email, url (empty strings where nothing was read). A file that cannot be read (missing, not
an image, corrupt, too large) is reported on stderr and the others are still read.

Exit codes: 0 every image read; 2 one or more files were bad input; 1 the OCR engine is unavailable.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from dps.application.cards.reading import OcrEngineUnavailable
from dps.application.shared.errors import Invalid
from dps.domain.cards import FIELD_NAMES
from dps.entrypoints.cli.card_imports import import_cards
from dps.entrypoints.cli.context import get_services

_LABELS = {
    "company": "会社名", "department": "部署", "title": "役職", "family_name": "姓", "given_name": "名",
    "family_kana": "姓 (読み)", "given_kana": "名 (読み)", "postal_code": "郵便番号", "address": "住所",
    "phone": "電話", "fax": "FAX", "mobile": "携帯", "email": "メール", "url": "URL",
}


@click.group(name="cards")
def cards() -> None:
    """名刺 / business cards."""


@cards.command(name="read")
@click.argument("images", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--json", "as_json", is_flag=True,
              help="画像ごとに1行の JSON を出力 / print one JSON object per image, one per line.")
@click.option("--raw", is_flag=True, help="OCR の生テキストも表示 / also print the raw OCR text (not with --json).")
@click.pass_context
def read(ctx: click.Context, images: tuple[Path, ...], as_json: bool, raw: bool) -> None:
    """名刺画像を読み取る / read the fields of business-card IMAGES (JPEG, PNG, HEIC, TIFF, ...).

    \b
    例 / example:
      dps cards read card1.jpg card2.png --json
    """
    reader = get_services(ctx).read_business_card()
    bad = 0
    for path in images:
        try:
            data = path.read_bytes()
        except OSError as e:
            bad += 1
            click.echo(f"エラー: {path}: 読み込めません / error: {path}: cannot read the file ({e.strerror})", err=True)
            continue
        try:
            reading = reader(data)
        except Invalid as e:
            bad += 1
            reason = "; ".join(e.errors.values())
            click.echo(f"エラー: {path}: {reason} / error: {path}: invalid image", err=True)
            continue
        except OcrEngineUnavailable as e:
            raise click.ClickException(f"OCR を実行できません / OCR unavailable: {e.message}") from e
        for warning in reading.warnings:
            click.echo(f"警告: {path}: {warning}", err=True)
        values = reading.fields.as_dict()
        if as_json:
            click.echo(json.dumps({name: values[name] for name in FIELD_NAMES}, ensure_ascii=False))
            continue
        click.echo(f"== {path}")
        for name in FIELD_NAMES:
            click.echo(f"  {_LABELS[name]} ({name}): {values[name]}")
        if raw:
            click.echo("  -- OCR --")
            for line in reading.raw_text.splitlines():
                click.echo(f"  | {line}")
    if bad:
        ctx.exit(2)


cards.add_command(import_cards)
