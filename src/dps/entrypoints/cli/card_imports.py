"""`dps cards import FILES... --tenant T --as LOGIN [--campaign C] [--yes]`: bulk card registration from the
command line - the same use cases as the 名刺一括登録 screen. Files (images, zips of images, PDFs of scans)
are staged into LOGIN's review queue and read at once (synchronously, about a second per card); a
review table is printed. With `--yes`, the ready cards without a likely duplicate are imported in one
transaction (persons, accounts, business cards with their images, and leads of the campaign); the
others stay in the queue for the screen.

Exit codes: 0 every file staged and read (and, with --yes, imported); 2 some files were rejected or
could not be read (the rest is still staged or imported), or invalid input; 3 unknown tenant, user or
campaign; 5 the user may not register cards (light licence); 1 unexpected failure.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from uuid import UUID

import click

from dps.application.cards.import_deps import CardImportDeps
from dps.application.cards.importing import ImportStagedCards, ImportStagedCardsCommand
from dps.application.cards.review import ListStagedCards, ReviewItem
from dps.application.cards.staged_reading import ReadStagedCards
from dps.application.cards.staging import StageCards, Upload
from dps.application.sales.campaigns.ports import CampaignQuery
from dps.application.sales.campaigns.queries import SearchCampaigns
from dps.application.shared.errors import NotFound
from dps.application.shared.paging import PageRequest
from dps.application.transfer.imports import ActingPrincipal
from dps.domain.cards.staging import DecisionKind, StagedStatus
from dps.domain.shared.principal import Principal
from dps.entrypoints.cli.context import tenant_code, tenant_scope


def _campaign(deps: CardImportDeps, principal: Principal, value: str | None) -> UUID | None:
    """The campaign by id or by its exact name among those the user can see."""
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        pass
    items = SearchCampaigns(deps.sales)(principal, CampaignQuery(q=value), PageRequest(limit=100)).items
    exact = [c for c in items if c.name == value]
    if len(exact) != 1:
        raise NotFound("campaign", value)
    return exact[0].id


def _action(item: ReviewItem) -> str:
    d = item.decision
    if d is None:
        return "-"
    if d.kind is DecisionKind.ATTACH:
        name = f"{item.target.last_name} {item.target.first_name}".strip() if item.target else str(d.person_id)
        moved = f" 異動/move: {','.join(item.changes)}" if item.changes else ""
        return f"既存に追加 attach → {name}{moved}"
    return "新規 new person" + ("" if d.account_id else " + 新規取引先 new account")


def _row(item: ReviewItem) -> str:
    c, f = item.card, item.card.fields
    dup = ""
    if item.duplicates:
        m = item.duplicates[0]
        dup = f" 重複? duplicate? {m.candidate.last_name} {m.candidate.first_name} ({m.reason.value})"
    text = f"{f.company} | {f.department} {f.title} | {f.family_name} {f.given_name} | {f.email}"
    note = f" ({c.reason})" if c.reason else ""
    return f"{c.file_name}\t{c.status.value}{note}\t{text}\t{_action(item)}{dup}"


@click.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--tenant", "tenant", required=True, callback=lambda _c, _p, v: tenant_code(v),
              help="テナントのコード / tenant code.")
@click.option("--as", "as_login", required=True, help="登録するユーザのログインID / the user registering the cards.")
@click.option("--campaign", default=None, help="キャンペーン (ID または名称): 取り込んだ人をリードに / campaign id or "
                                               "exact name: imported persons also become its leads.")
@click.option("--received-on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="受領日 (既定: 今日) / the day the cards were received (default today).")
@click.option("--yes", is_flag=True,
              help="重複のない読み取り済みの名刺を取り込む / import the ready cards that have no likely duplicate.")
@click.pass_context
def import_cards(ctx: click.Context, files: tuple[Path, ...], tenant: str, as_login: str, campaign: str | None,
                 received_on: datetime | None, yes: bool) -> None:
    """名刺画像を一括登録 / stage, read and (with --yes) import business-card FILES.

    \b
    例 / example:
      dps cards import scans/*.jpg cards.zip --tenant acme --as sato
      dps cards import expo.pdf --tenant acme --as sato --campaign 展示会2026 --yes
    """
    scope = tenant_scope(ctx, tenant)
    deps = scope.services.card_import_deps()
    principal = ActingPrincipal(scope.services.transfer_deps())(scope.principal, as_login)
    campaign_id = _campaign(deps, principal, campaign)
    bad = 0
    uploads: list[Upload] = []
    for path in files:
        try:
            uploads.append(Upload(path.name, path.read_bytes()))
        except OSError as e:
            bad += 1
            click.echo(f"エラー: {path}: 読み込めません / error: cannot read the file ({e.strerror})", err=True)
    if not uploads:
        ctx.exit(2)
    report = StageCards(deps)(principal, uploads, campaign_id)
    for r in report.rejected:
        bad += 1
        click.echo(f"エラー: {r.file_name}: {r.reason}", err=True)
    if report.staged:
        click.echo(f"読み取り中 / reading {len(report.staged)} ...", err=True)
        ReadStagedCards(deps)(principal, report.batch_id)
    queue = ListStagedCards(deps)(principal, report.batch_id)
    click.echo("ファイル file\t状態 status\t会社 | 部署 役職 | 氏名 | メール\t取り込み方法 action")
    for item in queue.items:
        click.echo(_row(item))
        if item.card.status is StagedStatus.FAILED:
            bad += 1
    if yes:
        chosen = tuple(i.card.id for i in queue.items
                       if i.card.status is StagedStatus.READY and not i.duplicates
                       and i.card.fields.company and i.card.fields.family_name)
        held = len([i for i in queue.items if i.card.status is StagedStatus.READY]) - len(chosen)
        if chosen:
            day = received_on.date() if received_on else None
            result = ImportStagedCards(deps)(principal, ImportStagedCardsCommand(
                card_ids=chosen, campaign_id=campaign_id, received_on=day if isinstance(day, date) else None))
            click.echo(f"取り込み / imported: 名刺 cards {len(result.cards)}, 新規パーソン persons "
                       f"{result.persons_created}, 新規取引先 accounts {result.accounts_created}, "
                       f"リード leads {result.leads_created}")
            for warning in result.warnings:
                click.echo(f"警告: {warning}", err=True)
        if held:
            click.echo(f"確認待ち / left for review (duplicates or missing fields): {held} - /cards/import")
    else:
        click.echo("取り込むには --yes、または画面 /cards/import で確認 / add --yes, or review on /cards/import")
    if bad:
        ctx.exit(2)
