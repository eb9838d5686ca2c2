-- Alerts by email: per-user settings and per-type channels, the alert_emails outbox (sent markers) and daily digests.
-- CreateEnum
CREATE TYPE "EmailChannel" AS ENUM ('OFF', 'IMMEDIATE', 'DIGEST');

-- CreateTable
CREATE TABLE "notification_settings" (
    "user_id" UUID NOT NULL,
    "email" TEXT,
    "digest_hour" INTEGER NOT NULL DEFAULT 8,
    "time_zone" TEXT NOT NULL DEFAULT 'UTC',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "alert_email_preferences" (
    "user_id" UUID NOT NULL,
    "type" "AlertType" NOT NULL,
    "channel" "EmailChannel" NOT NULL,

    CONSTRAINT "alert_email_preferences_pkey" PRIMARY KEY ("user_id","type")
);

-- CreateTable
CREATE TABLE "alert_emails" (
    "id" UUID NOT NULL,
    "alert_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "channel" "EmailChannel" NOT NULL,
    "digest_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "alert_emails_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "email_digests" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "email_digests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_emails_user_id_channel_sent_at_idx" ON "alert_emails"("user_id", "channel", "sent_at");

-- CreateIndex
CREATE INDEX "alert_emails_sent_at_channel_created_at_idx" ON "alert_emails"("sent_at", "channel", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_emails_alert_id_address_key" ON "alert_emails"("alert_id", "address");

-- CreateIndex
CREATE UNIQUE INDEX "email_digests_user_id_day_key" ON "email_digests"("user_id", "day");
