CREATE TABLE "account_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"kind" text NOT NULL,
	"account_id" text,
	"username" text,
	"by" text,
	"ip" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text NOT NULL,
	"name" text NOT NULL,
	"mobile" text,
	"email" text,
	"roles" text NOT NULL,
	"unit" text,
	"person" text,
	"status" text NOT NULL,
	"must_change_password" integer DEFAULT 0 NOT NULL,
	"locked_until" text,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	CONSTRAINT "accounts_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"outbox_id" bigint NOT NULL,
	"attempt" bigint NOT NULL,
	"at" text NOT NULL,
	"status_code" bigint,
	"error" text,
	"duration_ms" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mail_recipients" (
	"address" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"unit" text,
	"person" text,
	"role" text NOT NULL,
	"opt_outs" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" text NOT NULL,
	"channel" text NOT NULL,
	"target" text NOT NULL,
	"challenge_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"event_type" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"attempts" bigint DEFAULT 0 NOT NULL,
	"next_attempt_ms" bigint NOT NULL,
	"last_error" text,
	"created_at" text NOT NULL,
	"settled_at" text
);
--> statement-breakpoint
CREATE TABLE "public_challenges" (
	"id" text PRIMARY KEY NOT NULL,
	"programme_id" text NOT NULL,
	"kind" text NOT NULL,
	"domain" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"issuer_name" text NOT NULL,
	"district_unit" text NOT NULL,
	"district_name" text NOT NULL,
	"indicators" text NOT NULL,
	"period_months" bigint NOT NULL,
	"solver_funding_cny" bigint NOT NULL,
	"bidding_closes_at" text,
	"stage" text NOT NULL,
	"bidding_open" integer NOT NULL,
	"notice_open" integer NOT NULL,
	"detail" text NOT NULL,
	"published_at" text NOT NULL,
	"notice_at" text,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "registrations" (
	"id" text PRIMARY KEY NOT NULL,
	"unit_code" text NOT NULL,
	"unit" text NOT NULL,
	"account_id" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"decided_by" text,
	"decided_at" text,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"timer_id" bigint NOT NULL,
	"challenge_id" text NOT NULL,
	"deadline_type" text NOT NULL,
	"due_at" text NOT NULL,
	"working_days_before" bigint NOT NULL,
	"remind_at" text NOT NULL,
	"remind_ms" bigint NOT NULL,
	"status" text NOT NULL,
	"settled_at" text
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"account_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text NOT NULL,
	"ended_at" text,
	CONSTRAINT "sessions_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "webhooks" (
	"id" text PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"events" text NOT NULL,
	"programme_id" text,
	"secret" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" text NOT NULL,
	"deleted_at" text
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD COLUMN "removed_at" text;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_outbox_id_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_challenges" ADD CONSTRAINT "public_challenges_id_challenges_id_fk" FOREIGN KEY ("id") REFERENCES "public"."challenges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registrations" ADD CONSTRAINT "registrations_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_timer_id_timers_id_fk" FOREIGN KEY ("timer_id") REFERENCES "public"."timers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_log_account" ON "account_log" USING btree ("account_id","at");--> statement-breakpoint
CREATE INDEX "accounts_unit" ON "accounts" USING btree ("unit");--> statement-breakpoint
CREATE INDEX "delivery_attempts_outbox" ON "delivery_attempts" USING btree ("outbox_id");--> statement-breakpoint
CREATE INDEX "mail_recipients_unit" ON "mail_recipients" USING btree ("unit");--> statement-breakpoint
CREATE INDEX "mail_recipients_person" ON "mail_recipients" USING btree ("person");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_delivery" ON "outbox" USING btree ("delivery_id");--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("target","challenge_id","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_target" ON "outbox" USING btree ("target","id");--> statement-breakpoint
CREATE INDEX "public_challenges_published" ON "public_challenges" USING btree ("published_at","id");--> statement-breakpoint
CREATE INDEX "public_challenges_domain" ON "public_challenges" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "public_challenges_district" ON "public_challenges" USING btree ("district_unit");--> statement-breakpoint
CREATE INDEX "registrations_status" ON "registrations" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "registrations_unit" ON "registrations" USING btree ("unit_code");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_timer_days" ON "reminders" USING btree ("timer_id","working_days_before");--> statement-breakpoint
CREATE INDEX "reminders_pending" ON "reminders" USING btree ("remind_ms") WHERE status = 'pending';