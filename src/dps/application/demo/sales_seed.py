"""デモ営業データ: a small, living CRM for the demo tenant — about 50 accounts with valid corporate
numbers, 150 persons with business cards, products, two campaigns with leads, 200 opportunities across
stages and certainties, 500 planned and actual activities, comments and likes, this fiscal year's
budgets, and a few 非公開 records.

Everything goes through the ordinary sales use cases acting as the demo users themselves, so owners,
organisations, visibility, notifications and the master-data log are what real work would produce.
Dates are relative to today, so the demo looks current whenever it is seeded.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID
from zoneinfo import ZoneInfo

from attrs import frozen

from dps.application.auth.principals import principal_for
from dps.application.demo import sales_data as data
from dps.application.sales.accounts.commands import CreateAccount, CreateAccountCommand
from dps.application.sales.accounts.record_parts import RecordParts
from dps.application.sales.activities.commands import CreateActivityCommand, OpportunityProgress
from dps.application.sales.activities.register import CreateActivity
from dps.application.sales.budgets.manage import RegisterBudget
from dps.application.sales.budgets.rules import BudgetInput, BudgetLineInput
from dps.application.sales.campaigns.commands import AddMemberCommand, RegisterCampaignCommand
from dps.application.sales.campaigns.manage import RegisterCampaign
from dps.application.sales.campaigns.members import AddCampaignMember
from dps.application.sales.collaboration.comments import AddComment, AddCommentCommand
from dps.application.sales.collaboration.likes import LikeIt
from dps.application.sales.deps import SalesDeps
from dps.application.sales.leads.commands import RegisterLeadCommand
from dps.application.sales.leads.convert import ConvertLead, ConvertLeadCommand
from dps.application.sales.leads.manage import RegisterLead
from dps.application.sales.opportunities.commands import CreateOpportunityCommand, LineInput, OpportunityChanges
from dps.application.sales.opportunities.manage import CreateOpportunity
from dps.application.sales.persons.cards import AddBusinessCard, AddBusinessCardCommand
from dps.application.sales.persons.commands import CreatePerson, CreatePersonCommand
from dps.application.sales.products.manage import CreateProduct, CreateProductCommand
from dps.domain.sales.fiscal_years import FiscalYear, fiscal_year_of
from dps.domain.sales.likes import LikeTarget
from dps.domain.sales.records import RecordType, StaffMember
from dps.domain.shared.ids import OrganizationId, TenantId
from dps.domain.shared.principal import Principal
from dps.domain.visibility.records import Restriction

SALES_REPS = ("takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato", "suzuki")
MANAGERS = ("sato", "suzuki", "watanabe")
LIGHT_USERS = ("yoshida", "yamaguchi", "matsumoto")
BUDGET_ORGS = ("EAST-1", "EAST-2", "WEST-1", "WEST-2")


@frozen
class SalesDemoResult:
    accounts: int
    persons: int
    opportunities: int
    activities: int
    leads: int
    campaigns: int
    budgets: int
    comments: int


class SeedSalesDemo:
    """Fill a demo tenant (whose directory is already seeded) with sales data; deterministic."""

    def __init__(self, deps: SalesDeps) -> None:
        self._d = deps
        self._comments = 0

    def __call__(self, tenant_id: TenantId, org_ids: dict[str, OrganizationId]) -> SalesDemoResult:
        d = self._d
        rng = random.Random(data.SEED)
        self._comments = 0
        people = self._principals(tenant_id)
        zone = ZoneInfo(people["admin"].time_zone)
        today = d.clock.now().astimezone(zone).date()
        admin = people["admin"]

        products = [
            CreateProduct(d)(admin, CreateProductCommand(code=code, name=name, category_code=cat, unit=unit,
                                                          standard_price=Decimal(price), cost=Decimal(price * 6 // 10)))
            for code, name, cat, unit, price in data.PRODUCTS
        ]

        campaigns = [
            RegisterCampaign(d)(people["suzuki"], RegisterCampaignCommand(
                name="DX推進セミナー2026 秋", starts_on=today - timedelta(days=40), ends_on=today - timedelta(days=40),
                kind_code="seminar", status_code="done", budget_amount=Decimal(1_500_000),
                actual_cost=Decimal(1_320_000), expected_effect="来場120名、リード60件、商談化15件", target_leads=60,
                target_opportunities=15, target_amount=Decimal(30_000_000),
                description="営業DXをテーマにした自社セミナー。事例講演とデモ展示。",
            )),
            RegisterCampaign(d)(people["watanabe"], RegisterCampaignCommand(
                name="関西 業務効率化EXPO 出展", starts_on=today + timedelta(days=20),
                ends_on=today + timedelta(days=22),
                kind_code="exhibition", status_code="planned", budget_amount=Decimal(3_000_000),
                expected_effect="名刺交換300件、リード100件", target_leads=100, target_opportunities=20,
                target_amount=Decimal(50_000_000), description="インテックス大阪。ブース小間数2。",
            )),
        ]

        accounts = []
        for i, a in enumerate(data.accounts(rng)):
            owner = people[SALES_REPS[i % len(SALES_REPS)]]
            restricted = i % 17 == 5
            accounts.append(CreateAccount(d)(owner, CreateAccountCommand(
                values={
                    "name": a.name, "kana": a.kana, "corporate_number": a.corporate_number,
                    "industry_code": a.industry_code, "size_code": a.size_code, "prefecture": a.prefecture,
                    "address": a.address, "phone": a.phone, "url": a.url,
                    "account_type_code": "customer" if i % 3 else "prospect",
                    "transaction_status_code": "active" if i % 3 else "none",
                },
                parts=RecordParts(
                    staff=(StaffMember(owner.user_id, is_main=True),),
                    restriction=Restriction(organizations=frozenset({org_ids["SALES"]})) if restricted else None,
                ),
            )))

        by_user = {p.user_id: p for p in people.values()}
        persons = []
        for i in range(150):
            account = accounts[i % len(accounts)]
            owner = by_user[account.owner_id] if account.owner_id else admin
            last, first, last_kana, first_kana = data.person_name(rng)
            department, title = rng.choice(data.DEPARTMENTS), rng.choice(data.TITLES)
            person = CreatePerson(d)(owner, CreatePersonCommand(account_id=account.id, values={
                "last_name": last, "first_name": first, "last_name_kana": last_kana, "first_name_kana": first_kana,
                "department": department, "title": title, "email": f"person{i:03d}@example-{i % 50:02d}.co.jp",
                "phone": f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
            }))
            persons.append(person)
            if i % 3 == 0:
                received = today - timedelta(days=rng.randint(30, 700))
                printed = {"company_name": account.name, "last_name": last, "first_name": first,
                           "department": department, "title": title, "email": person.email}
                AddBusinessCard(d)(owner, AddBusinessCardCommand(person_id=person.id, received_on=received,
                                                                   printed=printed, account_id=account.id))
                if i % 15 == 0:  # promoted since: a newer card records the move (異動)
                    AddBusinessCard(d)(owner, AddBusinessCardCommand(
                        person_id=person.id, received_on=received + timedelta(days=120), account_id=account.id,
                        printed=printed | {"title": "部長" if title != "部長" else "本部長"}))

        fiscal = FiscalYear(fiscal_year_of(today, 4), 4)
        opportunities = []
        stages = ["10"] * 5 + ["20"] * 5 + ["30"] * 4 + ["40"] * 3 + ["50"] * 2 + ["90"] * 3 + ["91"] * 2 + ["92"]
        for i in range(200):
            account = accounts[i % len(accounts)]
            owner = people[SALES_REPS[(i * 7) % len(SALES_REPS)]]
            if account.is_restricted and account.owner_id:  # not everyone sees a 非公開 account
                owner = by_user[account.owner_id]
            stage = rng.choice(stages)
            certainty = {"90": "WON", "91": "LOST", "92": "D"}.get(stage, rng.choice("ABCD"))
            chosen = rng.sample(products, rng.randint(1, 3))
            lines = tuple(LineInput(product_id=p.id, quantity=Decimal(rng.choice((1, 2, 5, 10, 20)))) for p in chosen)
            expected = today + timedelta(days=rng.randint(-60, 240))
            won = stage == "90"
            opportunities.append(CreateOpportunity(d)(owner, CreateOpportunityCommand(
                name=f"{account.name} {rng.choice(data.OPPORTUNITY_THEMES)}", account_id=account.id, stage_code=stage,
                details=OpportunityChanges(
                    certainty_code=certainty, expected_order_date=expected, lines=lines,
                    campaign_id=campaigns[0].id if i % 9 == 0 else None,
                    ordered_on=min(expected, today) if won else None,
                    lost_reason="価格面で競合に劣後" if stage == "91" else "",
                    next_action="提案書の提出" if stage in ("10", "20", "30") else "",
                    parts=RecordParts(
                        staff=(StaffMember(people["sato"].user_id),) if i % 5 == 0 else (),
                        restriction=Restriction(users=frozenset({people["suzuki"].user_id}))
                        if i % 20 == 7 else None,
                    ),
                ),
            )))

        activities = 0
        kinds = list(data.ACTIVITY_SUBJECTS)
        accounts_by_id = {a.id: a for a in accounts}
        versions = {o.id: o.version for o in opportunities}
        for i in range(500):
            opp = opportunities[i % len(opportunities)] if i % 10 < 7 else None
            account = accounts[i % len(accounts)] if opp is None else accounts_by_id[opp.account_id]
            # the opportunity's owner reports on it (a restricted one is not everyone's to see)
            owner = by_user[opp.owner_id] if opp is not None and opp.owner_id else people[SALES_REPS[i % 9]]
            if opp is None and account.is_restricted and account.owner_id:
                owner = by_user[account.owner_id]
            planned = i % 5 == 0
            day = today + timedelta(days=rng.randint(1, 30)) if planned else today - timedelta(days=rng.randint(0, 180))
            kind = rng.choice(kinds)
            starts = datetime.combine(day, time(rng.choice((9, 10, 13, 14, 15, 16)), 0), zone).astimezone(UTC)
            met = tuple(p.id for p in persons if p.account_id == account.id)[:2]
            progress = None
            if opp is not None and not planned and opp.is_open and i % 25 == 3:
                progress = OpportunityProgress(expected_version=versions[opp.id], certainty_code="A")
            saved = CreateActivity(d)(owner, CreateActivityCommand(
                status="planned" if planned else "done", kind_code=kind,
                subject=rng.choice(data.ACTIVITY_SUBJECTS[kind]), starts_at=starts,
                ends_at=starts + timedelta(hours=1), purpose_code=rng.choice(("hearing", "proposal", "follow")),
                result_code=None if planned else rng.choice(("forward", "same", "forward")),
                content="" if planned else "先方の課題と導入時期について確認した。",
                account_id=account.id, opportunity_id=opp.id if opp is not None else None,
                person_ids=met, opportunity_update=progress,
            ))
            activities += 1
            if opp is not None and saved.opportunity_version is not None:
                versions[opp.id] = saved.opportunity_version
            if i % 6 == 0 and not (opp is not None and opp.is_restricted):
                self._cheer(saved.activity.id, people, rng, owner.login_id)

        leads = 0
        sources = ("seminar", "web", "exhibition", "referral")
        for i in range(30):
            last, first, last_kana, first_kana = data.person_name(rng)
            kind, suffix = rng.choice(("有限会社", "株式会社", "合同会社")), rng.choice(("製作所", "商店", "テック"))
            company = f"{kind}{last}{suffix}"
            lead = RegisterLead(d)(people["ito" if i % 2 else "yamamoto"], RegisterLeadCommand(
                company_name=company,
                last_name=last, first_name=first, last_name_kana=last_kana, first_name_kana=first_kana,
                source_code=sources[i % len(sources)], status_code=("new", "working", "qualified")[i % 3],
                email=f"lead{i:02d}@example.jp", campaign_id=campaigns[0].id if i < 18 else None,
                campaign_follow_status_code="attended" if i < 18 else None,
                next_action_on=today + timedelta(days=i % 14),
            )).lead
            leads += 1
            if i < 18:
                AddCampaignMember(d)(people["suzuki"], AddMemberCommand(
                    campaign_id=campaigns[0].id, lead_id=lead.id, follow_status_code="attended",
                    invited_on=today - timedelta(days=60), attended=True))
            if i in (2, 11):
                ConvertLead(d)(people["ito" if i % 2 else "yamamoto"], ConvertLeadCommand(
                    lead_id=lead.id, create_opportunity=True))

        budgets = 0
        for org_code in BUDGET_ORGS:
            base = 6_000_000 + 1_000_000 * BUDGET_ORGS.index(org_code)
            RegisterBudget(d)(people["sato"], BudgetInput(
                fiscal_year=fiscal.year, kind_code="orders", organization_id=org_ids[org_code],
                lines=tuple(BudgetLineInput(month=m, amount=base + 500_000 * (n % 3))
                            for n, m in enumerate(fiscal.months())),
            ))
            budgets += 1
        return SalesDemoResult(
            accounts=len(accounts), persons=len(persons), opportunities=len(opportunities), activities=activities,
            leads=leads, campaigns=len(campaigns), budgets=budgets, comments=self._comments,
        )

    def _cheer(self, activity_id: UUID, people: dict[str, Principal], rng: random.Random, owner: str) -> None:
        """A manager comments on the activity; light users and colleagues like it (ライク！)."""
        manager = next(m for m in MANAGERS if m != owner)
        AddComment(self._d)(people[manager], AddCommentCommand(
            record_type=RecordType.ACTIVITY, record_id=activity_id, body=rng.choice(data.COMMENTS)))
        self._comments += 1
        for login in rng.sample((*LIGHT_USERS, *MANAGERS), 2):
            if login != owner:
                LikeIt(self._d)(people[login], LikeTarget(RecordType.ACTIVITY, activity_id))

    def _principals(self, tenant_id: TenantId) -> dict[str, Principal]:
        with self._d.uow(tenant_id) as uow:
            zone = uow.tenant().time_zone
            today = self._d.clock.now().astimezone(ZoneInfo(zone)).date()
            return {u.login_id: principal_for(uow, tenant_id, u, today) for u in uow.users.list()}


SeedSales = Callable[[TenantId, dict[str, OrganizationId]], SalesDemoResult]
