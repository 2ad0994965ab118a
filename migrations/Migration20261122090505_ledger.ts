import { Migration } from '@mikro-orm/migrations';

export class Migration20261122090505_ledger extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "account" ("id" bigserial primary key, "code" text not null, "name" text not null, "type" text check ("type" in ('ASSET', 'LIABILITY', 'EQUITY', 'REVENUE', 'EXPENSE')) not null, "normal_balance" text check ("normal_balance" in ('DEBIT', 'CREDIT')) not null, "balance_minor" bigint not null default 0, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "account" add constraint "account_code_unique" unique ("code");`);

    this.addSql(
      `create table "invoice" ("id" bigserial primary key, "number" text not null, "customer_id" bigint not null, "order_id" bigint null, "status" text check ("status" in ('OPEN', 'PARTIALLY_PAID', 'PAID')) not null default 'OPEN', "total_minor" bigint not null, "amount_paid_minor" bigint not null default 0, "issue_date" date not null, "due_date" date not null, "issued_at" timestamptz not null default now(), "journal_entry_id" bigint not null, constraint invoice_paid_check check (amount_paid_minor >= 0 and amount_paid_minor <= total_minor));`,
    );
    this.addSql(`alter table "invoice" add constraint "invoice_number_unique" unique ("number");`);
    this.addSql(`alter table "invoice" add constraint "invoice_order_unique" unique ("order_id");`);
    this.addSql(
      `create index "invoice_customer_idx" on "invoice" ("customer_id", "issue_date", "id");`,
    );

    this.addSql(
      `create table "journal_entry" ("id" bigserial primary key, "number" bigint not null, "date" date not null, "memo" text null, "reversal_of_id" bigint null, "source" text not null, "created_by_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "journal_entry" add constraint "journal_entry_number_unique" unique ("number");`,
    );
    this.addSql(
      `alter table "journal_entry" add constraint "journal_entry_reversal_unique" unique ("reversal_of_id");`,
    );
    this.addSql(`create index "journal_entry_date_idx" on "journal_entry" ("date", "id");`);

    this.addSql(
      `create table "journal_line" ("id" bigserial primary key, "entry_id" bigint not null, "line_no" int not null, "account_id" bigint not null, "entry_date" date not null, "debit_minor" bigint not null, "credit_minor" bigint not null, "balance_after_minor" bigint not null, "memo" text null, "customer_id" bigint null, "vendor_id" bigint null, constraint journal_line_one_side_check check ((debit_minor > 0 and credit_minor = 0) or (credit_minor > 0 and debit_minor = 0)));`,
    );
    this.addSql(
      `create index "journal_line_vendor_idx" on "journal_line" ("vendor_id", "account_id");`,
    );
    this.addSql(
      `create index "journal_line_customer_idx" on "journal_line" ("customer_id", "account_id");`,
    );
    this.addSql(
      `create index "journal_line_account_date_idx" on "journal_line" ("account_id", "entry_date", "entry_id", "id") include ("debit_minor", "credit_minor");`,
    );
    this.addSql(`create index "journal_line_entry_idx" on "journal_line" ("entry_id", "line_no");`);

    this.addSql(
      `create table "ledger_counter" ("name" text not null, "value" bigint not null, constraint "ledger_counter_pkey" primary key ("name"));`,
    );

    this.addSql(
      `create table "ledger_settings" ("id" int not null, "closed_through" date null, constraint "ledger_settings_pkey" primary key ("id"), constraint ledger_settings_single_row check (id = 1));`,
    );

    this.addSql(
      `create table "payment" ("id" bigserial primary key, "customer_id" bigint not null, "amount_minor" bigint not null, "received_on" date not null, "reference" text null, "journal_entry_id" bigint not null, "created_by_id" bigint null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "payment_customer_idx" on "payment" ("customer_id");`);

    this.addSql(
      `create table "payment_allocation" ("id" bigserial primary key, "payment_id" bigint not null, "invoice_id" bigint not null, "amount_minor" bigint not null, "applied_on" date not null);`,
    );
    this.addSql(
      `create index "payment_allocation_payment_idx" on "payment_allocation" ("payment_id");`,
    );
    this.addSql(
      `create index "payment_allocation_invoice_idx" on "payment_allocation" ("invoice_id");`,
    );

    this.addSql(
      `create table "vendor" ("id" bigserial primary key, "name" text not null, "email" text null, "payment_terms_days" int not null default 30, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`alter table "vendor" add constraint "vendor_name_unique" unique ("name");`);

    this.addSql(
      `create table "bill" ("id" bigserial primary key, "number" text not null, "vendor_id" bigint not null, "expense_account_id" bigint not null, "status" text check ("status" in ('OPEN', 'PARTIALLY_PAID', 'PAID')) not null default 'OPEN', "amount_minor" bigint not null, "amount_paid_minor" bigint not null default 0, "bill_date" date not null, "due_date" date not null, "memo" text null, "journal_entry_id" bigint not null, "created_at" timestamptz not null default now(), constraint bill_paid_check check (amount_paid_minor >= 0 and amount_paid_minor <= amount_minor));`,
    );
    this.addSql(`alter table "bill" add constraint "bill_number_unique" unique ("number");`);
    this.addSql(`create index "bill_expense_account_idx" on "bill" ("expense_account_id");`);
    this.addSql(`create index "bill_vendor_idx" on "bill" ("vendor_id", "bill_date", "id");`);

    this.addSql(
      `create table "bill_payment" ("id" bigserial primary key, "bill_id" bigint not null, "amount_minor" bigint not null, "paid_on" date not null, "journal_entry_id" bigint not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "bill_payment_bill_idx" on "bill_payment" ("bill_id");`);

    this.addSql(
      `alter table "invoice" add constraint "invoice_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "journal_line" add constraint "journal_line_entry_id_foreign" foreign key ("entry_id") references "journal_entry" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "journal_line" add constraint "journal_line_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "payment" add constraint "payment_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "payment_allocation" add constraint "payment_allocation_payment_id_foreign" foreign key ("payment_id") references "payment" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "payment_allocation" add constraint "payment_allocation_invoice_id_foreign" foreign key ("invoice_id") references "invoice" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "bill" add constraint "bill_vendor_id_foreign" foreign key ("vendor_id") references "vendor" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "bill" add constraint "bill_expense_account_id_foreign" foreign key ("expense_account_id") references "account" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "bill_payment" add constraint "bill_payment_bill_id_foreign" foreign key ("bill_id") references "bill" ("id") on update cascade on delete restrict;`,
    );

    // Posted entries are immutable: corrections are reversing entries, never edits.
    this.addSql(`create function ledger_refuse_change() returns trigger language plpgsql as $$
      begin
        raise exception 'journal entries are immutable: % on % refused', tg_op, tg_table_name using errcode = 'P0001';
      end $$;`);
    this.addSql(
      `create trigger journal_entry_immutable before update or delete on "journal_entry" for each row execute function ledger_refuse_change();`,
    );
    this.addSql(
      `create trigger journal_line_immutable before update or delete on "journal_line" for each row execute function ledger_refuse_change();`,
    );
    this.addSql(
      `create trigger journal_entry_no_truncate before truncate on "journal_entry" for each statement execute function ledger_refuse_change();`,
    );
    this.addSql(
      `create trigger journal_line_no_truncate before truncate on "journal_line" for each statement execute function ledger_refuse_change();`,
    );

    // At commit, every entry touched has at least two lines and its debits equal its credits.
    this.addSql(`create function ledger_check_balanced() returns trigger language plpgsql as $$
      declare
        entry bigint;
        debits numeric;
        credits numeric;
        lines int;
      begin
        if tg_table_name = 'journal_entry' then
          entry := new.id;
        else
          entry := new.entry_id;
        end if;
        select coalesce(sum(debit_minor), 0), coalesce(sum(credit_minor), 0), count(*)
          into debits, credits, lines from journal_line where entry_id = entry;
        if lines < 2 or debits <> credits then
          raise exception 'journal entry % does not balance (debits %, credits %, % lines)', entry, debits, credits, lines
            using errcode = '23514';
        end if;
        return null;
      end $$;`);
    this.addSql(`create constraint trigger journal_entry_balanced after insert on "journal_entry"
      deferrable initially deferred for each row execute function ledger_check_balanced();`);
    this.addSql(`create constraint trigger journal_line_balanced after insert on "journal_line"
      deferrable initially deferred for each row execute function ledger_check_balanced();`);

    // The hot part of a posting in one call, so the account and counter locks are held for one
    // round trip: lock the accounts in id order, take the next gapless number, write the entry and
    // its lines with each account's running balance, and move the balances. Rules are checked by
    // the service before, and by the constraints and triggers above at commit.
    this.addSql(`create function ledger_post_entry(
        p_entry_id bigint, p_date date, p_memo text, p_source text, p_reversal_of bigint, p_actor bigint,
        p_accounts bigint[], p_debits bigint[], p_credits bigint[], p_memos text[], p_customers bigint[], p_vendors bigint[])
      returns bigint language plpgsql as $$
      declare
        v_number bigint;
        v_balance bigint;
        i int;
      begin
        perform 1 from account where id = any(p_accounts) order by id for update;
        update ledger_counter set value = value + 1 where name = 'journal_entry' returning value into v_number;
        insert into journal_entry (id, number, date, memo, source, reversal_of_id, created_by_id)
          values (p_entry_id, v_number, p_date, p_memo, p_source, p_reversal_of, p_actor);
        for i in 1 .. array_length(p_accounts, 1) loop
          update account set balance_minor = balance_minor + p_debits[i] - p_credits[i]
            where id = p_accounts[i] returning balance_minor into v_balance;
          if v_balance is null then
            raise exception 'no account %', p_accounts[i] using errcode = '23503';
          end if;
          insert into journal_line (entry_id, line_no, account_id, entry_date, debit_minor, credit_minor,
                                    balance_after_minor, memo, customer_id, vendor_id)
            values (p_entry_id, i - 1, p_accounts[i], p_date, p_debits[i], p_credits[i], v_balance,
                    p_memos[i], p_customers[i], p_vendors[i]);
        end loop;
        return v_number;
      end $$;`);

    // The standard chart of accounts: every installation has it, since the system posts to it.
    this.addSql(`insert into "account" ("code", "name", "type", "normal_balance") values
      ('1000', 'Cash', 'ASSET', 'DEBIT'),
      ('1100', 'Accounts Receivable', 'ASSET', 'DEBIT'),
      ('1200', 'Inventory', 'ASSET', 'DEBIT'),
      ('2000', 'Accounts Payable', 'LIABILITY', 'CREDIT'),
      ('2100', 'Payroll Liabilities', 'LIABILITY', 'CREDIT'),
      ('3000', 'Owner''s Equity', 'EQUITY', 'CREDIT'),
      ('4000', 'Sales Revenue', 'REVENUE', 'CREDIT'),
      ('5000', 'Cost of Goods Sold', 'EXPENSE', 'DEBIT'),
      ('6000', 'Salaries Expense', 'EXPENSE', 'DEBIT'),
      ('6100', 'Operating Expenses', 'EXPENSE', 'DEBIT');`);
    this.addSql(
      `insert into "ledger_counter" ("name", "value") values ('journal_entry', 0), ('invoice', 0), ('bill', 0);`,
    );
    this.addSql(`insert into "ledger_settings" ("id", "closed_through") values (1, null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists ledger_refuse_change() cascade;`);
    this.addSql(`drop function if exists ledger_check_balanced() cascade;`);
    this.addSql(`drop function if exists ledger_post_entry cascade;`);
    this.addSql(`alter table "journal_line" drop constraint "journal_line_account_id_foreign";`);

    this.addSql(`alter table "bill" drop constraint "bill_expense_account_id_foreign";`);

    this.addSql(
      `alter table "payment_allocation" drop constraint "payment_allocation_invoice_id_foreign";`,
    );

    this.addSql(`alter table "journal_line" drop constraint "journal_line_entry_id_foreign";`);

    this.addSql(
      `alter table "payment_allocation" drop constraint "payment_allocation_payment_id_foreign";`,
    );

    this.addSql(`alter table "bill" drop constraint "bill_vendor_id_foreign";`);

    this.addSql(`alter table "bill_payment" drop constraint "bill_payment_bill_id_foreign";`);

    this.addSql(`drop table if exists "account" cascade;`);

    this.addSql(`drop table if exists "invoice" cascade;`);

    this.addSql(`drop table if exists "journal_entry" cascade;`);

    this.addSql(`drop table if exists "journal_line" cascade;`);

    this.addSql(`drop table if exists "ledger_counter" cascade;`);

    this.addSql(`drop table if exists "ledger_settings" cascade;`);

    this.addSql(`drop table if exists "payment" cascade;`);

    this.addSql(`drop table if exists "payment_allocation" cascade;`);

    this.addSql(`drop table if exists "vendor" cascade;`);

    this.addSql(`drop table if exists "bill" cascade;`);

    this.addSql(`drop table if exists "bill_payment" cascade;`);
  }
}
