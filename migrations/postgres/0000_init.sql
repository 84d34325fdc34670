CREATE TABLE "attachments" (
	"challenge_id" text NOT NULL,
	"sha256" text NOT NULL,
	"size" bigint NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"token_id" text NOT NULL,
	"role" text NOT NULL,
	"unit" text,
	"uploaded_at" text NOT NULL,
	CONSTRAINT "attachments_challenge_id_sha256_pk" PRIMARY KEY("challenge_id","sha256")
);
--> statement-breakpoint
CREATE TABLE "challenges" (
	"id" text PRIMARY KEY NOT NULL,
	"programme_id" text NOT NULL,
	"number" bigint NOT NULL,
	"kind" text NOT NULL,
	"domain" text NOT NULL,
	"title" text NOT NULL,
	"issuer_unit" text NOT NULL,
	"district_unit" text NOT NULL,
	"stage" text NOT NULL,
	"snapshot" text NOT NULL,
	"version" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"machine_version" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"day" text PRIMARY KEY NOT NULL,
	"global_seq" bigint NOT NULL,
	"global_hash" text NOT NULL,
	"recorded_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "denials" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" text NOT NULL,
	"token_id" text,
	"role" text,
	"unit" text,
	"person" text,
	"method" text NOT NULL,
	"route" text NOT NULL,
	"challenge_id" text,
	"event_type" text,
	"status" bigint NOT NULL,
	"code" text NOT NULL,
	"clause" text,
	"clauses" text,
	"scope" text,
	"message" text NOT NULL,
	"request_id" text NOT NULL,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "events" (
	"global_seq" bigserial PRIMARY KEY NOT NULL,
	"challenge_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"payload" text NOT NULL,
	"facts" text,
	"actor" text NOT NULL,
	"at" text NOT NULL,
	"machine_version" text NOT NULL,
	"state_after" text NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	"global_hash" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"token_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" bigint NOT NULL,
	"response" text NOT NULL,
	"created_at" text NOT NULL,
	CONSTRAINT "idempotency_keys_token_id_key_pk" PRIMARY KEY("token_id","key")
);
--> statement-breakpoint
CREATE TABLE "participations" (
	"ref" text NOT NULL,
	"challenge_id" text NOT NULL,
	"programme_id" text NOT NULL,
	"party" text NOT NULL,
	"subject" text NOT NULL,
	"role" text NOT NULL,
	"status" text NOT NULL,
	"planned_end" text,
	CONSTRAINT "participations_ref_party_subject_pk" PRIMARY KEY("ref","party","subject")
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "programmes" (
	"id" text PRIMARY KEY NOT NULL,
	"settings" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_unit" text,
	"subject_person" text,
	"kind" text NOT NULL,
	"from_date" text NOT NULL,
	"to_date" text,
	"other_unit" text,
	"relation" text,
	"project_id" text,
	"status" text,
	"planned_end" text,
	"note" text,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"challenge_id" text NOT NULL,
	"type" text NOT NULL,
	"due_at" text NOT NULL,
	"due_ms" bigint NOT NULL,
	"status" text NOT NULL,
	"created_at" text NOT NULL,
	"settled_at" text,
	"event_seq" bigint
);
--> statement-breakpoint
CREATE TABLE "tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"role" text NOT NULL,
	"unit" text,
	"person" text,
	"label" text NOT NULL,
	"created_at" text NOT NULL,
	"expires_at" text,
	"revoked_at" text,
	CONSTRAINT "tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"in_city" integer NOT NULL,
	"legal_person" integer NOT NULL,
	"district" text,
	"updated_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "attachments" ADD CONSTRAINT "attachments_challenge_id_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."challenges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "challenges" ADD CONSTRAINT "challenges_programme_id_programmes_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."programmes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_challenge_id_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."challenges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participations" ADD CONSTRAINT "participations_challenge_id_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."challenges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "persons" ADD CONSTRAINT "persons_unit_units_code_fk" FOREIGN KEY ("unit") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_subject_unit_units_code_fk" FOREIGN KEY ("subject_unit") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "records" ADD CONSTRAINT "records_subject_person_persons_id_fk" FOREIGN KEY ("subject_person") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timers" ADD CONSTRAINT "timers_challenge_id_challenges_id_fk" FOREIGN KEY ("challenge_id") REFERENCES "public"."challenges"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "challenges_programme_number" ON "challenges" USING btree ("programme_id","number");--> statement-breakpoint
CREATE INDEX "challenges_stage" ON "challenges" USING btree ("stage");--> statement-breakpoint
CREATE INDEX "challenges_kind" ON "challenges" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "challenges_domain" ON "challenges" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "challenges_issuer" ON "challenges" USING btree ("issuer_unit");--> statement-breakpoint
CREATE INDEX "challenges_district" ON "challenges" USING btree ("district_unit");--> statement-breakpoint
CREATE INDEX "denials_challenge" ON "denials" USING btree ("challenge_id","id");--> statement-breakpoint
CREATE INDEX "denials_token" ON "denials" USING btree ("token_id","id");--> statement-breakpoint
CREATE INDEX "denials_at" ON "denials" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "events_challenge_seq" ON "events" USING btree ("challenge_id","seq");--> statement-breakpoint
CREATE INDEX "participations_subject" ON "participations" USING btree ("party","subject");--> statement-breakpoint
CREATE INDEX "participations_challenge" ON "participations" USING btree ("challenge_id");--> statement-breakpoint
CREATE INDEX "persons_unit" ON "persons" USING btree ("unit");--> statement-breakpoint
CREATE INDEX "records_unit" ON "records" USING btree ("subject_unit","kind");--> statement-breakpoint
CREATE INDEX "records_person" ON "records" USING btree ("subject_person","kind");--> statement-breakpoint
CREATE INDEX "records_other_unit" ON "records" USING btree ("other_unit");--> statement-breakpoint
CREATE INDEX "timers_pending_due" ON "timers" USING btree ("due_ms") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "timers_challenge" ON "timers" USING btree ("challenge_id","status");--> statement-breakpoint
CREATE INDEX "units_type" ON "units" USING btree ("type");