"""デモデータ投入: load the demo tenant (companies, organisation tree, positions, groups, users) and,
when given the sales seed, its sales data (accounts, opportunities, activities, ...).

Everything goes through the ordinary directory use cases, acting as an operator
(`system_principal(..., actor="demo-seed")`), so every record is validated and written to the
tenant's master-data change log exactly as an administrator's work would be.

The demo password is fixed and public (see README): the demo tenant is for trying DPS out and
must never exist on a production system.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from attrs import frozen

from dps.application.auth.principals import system_principal
from dps.application.demo.sales_seed import SalesDemoResult, SeedSales
from dps.application.directory.affiliations import AssignAffiliation, AssignAffiliationCommand
from dps.application.directory.companies import CreateCompany, CreateCompanyCommand
from dps.application.directory.groups import (
    AddGroupMember,
    AddGroupMemberCommand,
    CreatePublicGroup,
    CreatePublicGroupCommand,
)
from dps.application.directory.org_refresh import OrgRefreshResult, RefreshOrgClosure
from dps.application.directory.organizations import CreateOrganization, CreateOrganizationCommand
from dps.application.directory.positions import CreatePosition, CreatePositionCommand
from dps.application.directory.users import AddUser, AddUserCommand
from dps.application.shared.errors import Conflict
from dps.application.tenancy.tenants import CreateTenant, CreateTenantCommand, FindTenant
from dps.domain.shared.ids import CompanyId, OrganizationId, PositionId, PublicGroupId
from dps.domain.shared.principal import License, Role

DEMO_TENANT = "demo"
DEMO_TENANT_NAME = "デモ株式会社"
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - public on purpose: the demo login of the README
DEMO_ADMIN_LOGIN = "admin"
DEMO_START = date(2020, 4, 1)
DEMO_FULL_LICENSES = 20
DEMO_LIGHT_LICENSES = 10
DEMO_EMAIL_DOMAIN = "demo.example.com"


class DemoLogin(NamedTuple):
    login_id: str
    password: str
    license: License
    is_admin: bool


@frozen
class DemoResult:
    tenant_code: str
    created: bool
    """False when the tenant already existed: then nothing was created and `logins` is empty."""
    logins: list[DemoLogin]
    org_refresh: OrgRefreshResult | None = None
    sales: SalesDemoResult | None = None


# ----------------------------------------------------------------------------- the demo data


@frozen
class _Company:
    code: str
    name: str
    kana: str


@frozen
class _Org:
    company: str
    code: str
    name: str
    kana: str
    parent: str | None
    sort_key: int


@frozen
class _Position:
    code: str
    name: str
    rank: int
    is_manager: bool


@frozen
class _Group:
    code: str
    name: str
    roles: tuple[tuple[str, str], ...]


@frozen
class _Post:
    """An affiliation: (company code, organisation code, position code or None)."""

    company: str
    org: str
    position: str | None


@frozen
class _User:
    login_id: str
    name: str
    kana: str
    license: License
    primary: _Post
    concurrent: tuple[_Post, ...] = ()
    groups: tuple[tuple[str, str], ...] = ()
    """(group code, role code)."""
    admin: bool = False


DEMO, HANBAI = "DEMO", "DEMO-HANBAI"

COMPANIES = (
    _Company(DEMO, "デモ株式会社", "デモカブシキガイシャ"),
    _Company(HANBAI, "デモ販売株式会社", "デモハンバイカブシキガイシャ"),
)

ORGANIZATIONS = (  # parents before children
    _Org(DEMO, "HQ", "本社", "ホンシャ", None, 10),
    _Org(DEMO, "SALES", "営業本部", "エイギョウホンブ", "HQ", 10),
    _Org(DEMO, "EAST", "東日本営業部", "ヒガシニホンエイギョウブ", "SALES", 10),
    _Org(DEMO, "EAST-1", "東日本第1課", "ヒガシニホンダイイッカ", "EAST", 10),
    _Org(DEMO, "EAST-2", "東日本第2課", "ヒガシニホンダイニカ", "EAST", 20),
    _Org(DEMO, "WEST", "西日本営業部", "ニシニホンエイギョウブ", "SALES", 20),
    _Org(DEMO, "WEST-1", "西日本第1課", "ニシニホンダイイッカ", "WEST", 10),
    _Org(DEMO, "WEST-2", "西日本第2課", "ニシニホンダイニカ", "WEST", 20),
    _Org(DEMO, "ADMIN", "管理本部", "カンリホンブ", "HQ", 20),
    _Org(DEMO, "PLANNING", "経営企画部", "ケイエイキカクブ", "ADMIN", 10),
    _Org(DEMO, "SUPPORT", "カスタマーサポート部", "カスタマーサポートブ", "ADMIN", 20),
    _Org(HANBAI, "HQ", "本社", "ホンシャ", None, 10),
    _Org(HANBAI, "SALES", "営業部", "エイギョウブ", "HQ", 10),
    _Org(HANBAI, "DIRECT", "直販課", "チョクハンカ", "SALES", 10),
    _Org(HANBAI, "OPS", "業務部", "ギョウムブ", "HQ", 20),
)

POSITIONS = (  # the same ladder in both companies
    _Position("HONBUCHO", "本部長", 90, True),
    _Position("BUCHO", "部長", 80, True),
    _Position("KACHO", "課長", 70, True),
    _Position("KAKARICHO", "係長", 50, False),
    _Position("TANTO", "担当", 10, False),
)

GROUPS = (
    _Group("KEY-ACCOUNTS", "重点顧客プロジェクト", (("LEADER", "リーダー"), ("MEMBER", "メンバー"))),
    _Group("NEW-PRODUCT", "新製品タスクフォース",
           (("LEADER", "リーダー"), ("MEMBER", "メンバー"), ("ADVISOR", "アドバイザー"))),
)

FULL, LIGHT = License.FULL, License.LIGHT

USERS = (
    _User("admin", "山田 太郎", "ヤマダ タロウ", FULL, _Post(DEMO, "PLANNING", "KACHO"),
          groups=(("NEW-PRODUCT", "ADVISOR"),), admin=True),
    _User("sato", "佐藤 一郎", "サトウ イチロウ", FULL, _Post(DEMO, "SALES", "HONBUCHO"),
          groups=(("KEY-ACCOUNTS", "LEADER"),)),
    _User("suzuki", "鈴木 花子", "スズキ ハナコ", FULL, _Post(DEMO, "EAST", "BUCHO"),
          groups=(("NEW-PRODUCT", "LEADER"),)),
    _User("takahashi", "高橋 健太", "タカハシ ケンタ", FULL, _Post(DEMO, "EAST-1", "KACHO"),
          groups=(("KEY-ACCOUNTS", "MEMBER"),)),
    _User("tanaka", "田中 美咲", "タナカ ミサキ", FULL, _Post(DEMO, "EAST-1", "TANTO")),
    _User("ito", "伊藤 翔太", "イトウ ショウタ", FULL, _Post(DEMO, "EAST-2", "KAKARICHO"),
          groups=(("NEW-PRODUCT", "MEMBER"),)),
    _User("watanabe", "渡辺 直樹", "ワタナベ ナオキ", FULL, _Post(DEMO, "WEST", "BUCHO"),
          concurrent=(_Post(DEMO, "WEST-1", "KACHO"),),  # 部長が第1課長を兼務
          groups=(("KEY-ACCOUNTS", "MEMBER"),)),
    _User("yamamoto", "山本 さくら", "ヤマモト サクラ", FULL, _Post(DEMO, "WEST-1", "TANTO")),
    _User("nakamura", "中村 大輔", "ナカムラ ダイスケ", FULL, _Post(DEMO, "WEST-2", "KACHO"),
          groups=(("NEW-PRODUCT", "MEMBER"),)),
    _User("kobayashi", "小林 由美", "コバヤシ ユミ", FULL, _Post(HANBAI, "SALES", "BUCHO"),
          concurrent=(_Post(DEMO, "SALES", None),),  # 子会社の営業部長が親会社の営業本部を兼務
          groups=(("KEY-ACCOUNTS", "MEMBER"),)),
    _User("kato", "加藤 亮", "カトウ リョウ", FULL, _Post(HANBAI, "DIRECT", "TANTO")),
    _User("yoshida", "吉田 恵", "ヨシダ メグミ", LIGHT, _Post(DEMO, "SUPPORT", "TANTO"),
          groups=(("KEY-ACCOUNTS", "MEMBER"),)),
    _User("yamaguchi", "山口 愛", "ヤマグチ アイ", LIGHT, _Post(DEMO, "SUPPORT", "TANTO")),
    _User("matsumoto", "松本 結衣", "マツモト ユイ", LIGHT, _Post(DEMO, "PLANNING", "TANTO"),
          groups=(("NEW-PRODUCT", "MEMBER"),)),
    _User("inoue", "井上 陽介", "イノウエ ヨウスケ", LIGHT, _Post(HANBAI, "OPS", "TANTO")),
)


# ----------------------------------------------------------------------------- the use case


class SeedDemo:
    """Create the demo tenant with its directory, unless a tenant of that code already exists.

    - Idempotent by tenant: an existing tenant is left untouched (`created=False`).
    - Every demo user gets the password `DEMO_PASSWORD`; `admin` is the tenant administrator.
    - The organisation roll-up (集計組織) is refreshed at the end, so 自担当 scopes work at once.
    - Not atomic across steps (each use case commits): a seed interrupted half-way leaves a
      partial demo tenant; delete the database (or the tenant) and run it again.
    """

    def __init__(
        self,
        *,
        find_tenant: FindTenant,
        create_tenant: CreateTenant,
        create_company: CreateCompany,
        create_organization: CreateOrganization,
        create_position: CreatePosition,
        create_public_group: CreatePublicGroup,
        add_user: AddUser,
        assign_affiliation: AssignAffiliation,
        add_group_member: AddGroupMember,
        refresh_org_closure: RefreshOrgClosure,
        time_zone: str = "Asia/Tokyo",
        seed_sales: SeedSales | None = None,
    ) -> None:
        self._find_tenant = find_tenant
        self._create_tenant = create_tenant
        self._create_company = create_company
        self._create_organization = create_organization
        self._create_position = create_position
        self._create_public_group = create_public_group
        self._add_user = add_user
        self._assign_affiliation = assign_affiliation
        self._add_group_member = add_group_member
        self._refresh = refresh_org_closure
        self._time_zone = time_zone
        self._seed_sales = seed_sales

    def __call__(self, tenant_code: str = DEMO_TENANT) -> DemoResult:
        if self._find_tenant(tenant_code) is not None:
            return DemoResult(tenant_code=tenant_code, created=False, logins=[])
        try:
            tenant = self._create_tenant(CreateTenantCommand(
                code=tenant_code, name=DEMO_TENANT_NAME, time_zone=self._time_zone,
                full_licenses=DEMO_FULL_LICENSES, light_licenses=DEMO_LIGHT_LICENSES,
            ))
        except Conflict:  # another process seeded it a moment ago
            return DemoResult(tenant_code=tenant_code, created=False, logins=[])
        admin = system_principal(tenant.id, actor="demo-seed", time_zone=tenant.time_zone)

        companies: dict[str, CompanyId] = {}
        for c in COMPANIES:
            companies[c.code] = self._create_company(
                admin, CreateCompanyCommand(code=c.code, name=c.name, valid_from=DEMO_START, kana=c.kana)
            ).id

        positions: dict[tuple[str, str], PositionId] = {}
        for company_code, company_id in companies.items():
            for p in POSITIONS:
                positions[company_code, p.code] = self._create_position(admin, CreatePositionCommand(
                    company_id=company_id, code=p.code, name=p.name, rank=p.rank, is_manager=p.is_manager,
                )).id

        orgs: dict[tuple[str, str], OrganizationId] = {}
        for o in ORGANIZATIONS:
            parent = orgs[o.company, o.parent] if o.parent is not None else None
            orgs[o.company, o.code] = self._create_organization(admin, CreateOrganizationCommand(
                company_id=companies[o.company], code=o.code, name=o.name, valid_from=DEMO_START,
                parent_id=parent, kana=o.kana, sort_key=o.sort_key,
            )).id

        groups: dict[str, PublicGroupId] = {}
        for g in GROUPS:
            groups[g.code] = self._create_public_group(admin, CreatePublicGroupCommand(
                code=g.code, name=g.name, valid_from=DEMO_START, role_codes=g.roles,
            )).id

        logins: list[DemoLogin] = []
        for u in USERS:
            user = self._add_user(admin, AddUserCommand(
                login_id=u.login_id, name=u.name, kana=u.kana, license=u.license,
                email=f"{u.login_id}@{DEMO_EMAIL_DOMAIN}", password=DEMO_PASSWORD,
                locale="ja", time_zone=tenant.time_zone,
                roles=frozenset({Role.TENANT_ADMIN}) if u.admin else frozenset(),
            ))
            for post, is_primary in ((u.primary, True), *((c, False) for c in u.concurrent)):
                position = positions[post.company, post.position] if post.position is not None else None
                self._assign_affiliation(admin, AssignAffiliationCommand(
                    user_id=user.id, organization_id=orgs[post.company, post.org], valid_from=DEMO_START,
                    is_primary=is_primary, position_id=position,
                ))
            for group_code, role_code in u.groups:
                self._add_group_member(admin, AddGroupMemberCommand(
                    group_id=groups[group_code], user_id=user.id, valid_from=DEMO_START, role_code=role_code,
                ))
            logins.append(DemoLogin(user.login_id, DEMO_PASSWORD, user.license, user.is_admin))

        refreshed = self._refresh(admin)
        sales = None
        if self._seed_sales is not None:  # the sales data, entered by the demo users themselves
            sales = self._seed_sales(tenant.id, {code: oid for (company, code), oid in orgs.items() if company == DEMO})
        return DemoResult(tenant_code=tenant.code, created=True, logins=logins, org_refresh=refreshed, sales=sales)
