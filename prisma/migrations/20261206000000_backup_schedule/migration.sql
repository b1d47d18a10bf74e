-- Platform backup schedule per instance (issue 6).
ALTER TABLE "Instance" ADD COLUMN "backupCron" TEXT;
ALTER TABLE "Instance" ADD COLUMN "backupKeep" INTEGER NOT NULL DEFAULT 7;
