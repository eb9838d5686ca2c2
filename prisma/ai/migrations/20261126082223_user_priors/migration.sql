-- CreateTable
CREATE TABLE "user_token_priors" (
    "user_id" UUID NOT NULL,
    "direction" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "category_id" UUID NOT NULL,
    "count" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_token_priors_pkey" PRIMARY KEY ("user_id","direction","token","category_id")
);

-- CreateTable
CREATE TABLE "prior_contributions" (
    "transaction_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "direction" TEXT NOT NULL,
    "category_id" UUID NOT NULL,
    "tokens" TEXT[],
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "prior_contributions_pkey" PRIMARY KEY ("transaction_id")
);
