"""The unit of work every sales use case runs in: the directory (for the Viewer), the catalog (code
lists, custom fields) and every sales store, all bound to one tenant and one transaction."""

from __future__ import annotations

from typing import Protocol

from dps.application.cards.import_ports import CardImportRepository
from dps.application.catalog.ports import CatalogUnitOfWork
from dps.application.directory.ports import DirectoryUnitOfWork
from dps.application.reports.definitions.ports import ReportDefinitionRepository
from dps.application.reports.kinds.account_ports import AccountReportReader
from dps.application.reports.kinds.campaign_ports import CampaignReportReader
from dps.application.reports.kinds.lead_ports import LeadReportReader
from dps.application.reports.kinds.opportunity_ports import OpportunityReportReader
from dps.application.reports.kinds.product_ports import ProductReportReader
from dps.application.reports.ports import ReportReader
from dps.application.reports.templates.ports import ReportTemplateRepository
from dps.application.sales.accounts.ports import AccountGroupRepository, AccountRepository
from dps.application.sales.activities.ports import ActivityRepository
from dps.application.sales.budgets.ports import BudgetRepository
from dps.application.sales.campaigns.ports import CampaignRepository
from dps.application.sales.collaboration.ports import (
    AttachmentRepository,
    CommentRepository,
    LikeRepository,
    NotificationRepository,
)
from dps.application.sales.leads.ports import LeadRepository
from dps.application.sales.opportunities.ports import OpportunityRepository
from dps.application.sales.persons.ports import BusinessCardRepository, PersonRepository
from dps.application.sales.portal.ports import PortalReader
from dps.application.sales.products.ports import ProductRepository
from dps.application.sales.record_people_ports import RecordPeopleRepository
from dps.application.sales.records import RecordAccessReader
from dps.application.sales.sales_results.ports import SalesResultRepository


class SalesUnitOfWork(DirectoryUnitOfWork, CatalogUnitOfWork, Protocol):
    @property
    def records(self) -> RecordAccessReader: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def account_groups(self) -> AccountGroupRepository: ...
    @property
    def persons(self) -> PersonRepository: ...
    @property
    def business_cards(self) -> BusinessCardRepository: ...
    @property
    def products(self) -> ProductRepository: ...
    @property
    def opportunities(self) -> OpportunityRepository: ...
    @property
    def activities(self) -> ActivityRepository: ...
    @property
    def leads(self) -> LeadRepository: ...
    @property
    def campaigns(self) -> CampaignRepository: ...
    @property
    def budgets(self) -> BudgetRepository: ...
    @property
    def sales_results(self) -> SalesResultRepository: ...
    @property
    def comments(self) -> CommentRepository: ...
    @property
    def likes(self) -> LikeRepository: ...
    @property
    def attachments(self) -> AttachmentRepository: ...
    @property
    def notifications(self) -> NotificationRepository: ...
    @property
    def record_people(self) -> RecordPeopleRepository: ...
    @property
    def portal(self) -> PortalReader: ...
    @property
    def reports(self) -> ReportReader: ...
    # [kinds-accounts]
    @property
    def account_reports(self) -> AccountReportReader: ...
    @property
    def opportunity_reports(self) -> OpportunityReportReader: ...
    # [kinds-products]
    @property
    def product_report(self) -> ProductReportReader: ...
    @property
    def campaign_report(self) -> CampaignReportReader: ...
    @property
    def lead_report(self) -> LeadReportReader: ...
    # [definitions]
    @property
    def report_definitions(self) -> ReportDefinitionRepository: ...
    # [templates]
    @property
    def report_templates(self) -> ReportTemplateRepository: ...
    # [card-imports]
    @property
    def card_imports(self) -> CardImportRepository: ...
