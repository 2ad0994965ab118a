import { Migration } from '@mikro-orm/migrations';

/**
 * Each balance-sheet account's section of the cash flow statement (`account.cash_flow_section`),
 * refused on revenue and expense accounts, and the standard chart classified: 1000 Cash is the
 * cash; receivables, inventory, payables and payroll liabilities are working capital (operating);
 * owner's equity is financing. Accounts added since the chart was created stay unclassified: the
 * statement names them if they move (an accountant classifies them with
 * `setAccountCashFlowSection`), rather than this migration guessing.
 */
export class Migration20261207030223_cash_flow_sections extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "account" add column "cash_flow_section" text check ("cash_flow_section" in ('CASH', 'OPERATING', 'INVESTING', 'FINANCING')) null;`,
    );
    this.addSql(
      `alter table "account" add constraint account_cash_flow_section_type_check check(cash_flow_section is null or type = any (array['ASSET', 'LIABILITY', 'EQUITY']));`,
    );
    this.addSql(`update "account" set "cash_flow_section" = case "code"
        when '1000' then 'CASH'
        when '1100' then 'OPERATING'
        when '1200' then 'OPERATING'
        when '2000' then 'OPERATING'
        when '2100' then 'OPERATING'
        when '3000' then 'FINANCING' end
      where "code" in ('1000', '1100', '1200', '2000', '2100', '3000');`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "account" drop constraint account_cash_flow_section_type_check;`);
    this.addSql(`alter table "account" drop column "cash_flow_section";`);
  }
}
