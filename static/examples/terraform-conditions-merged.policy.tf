# The role only the release project's main branch should assume.
variable "circleci_org_id" {
  default = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10"
}

locals {
  provider = "oidc.circleci.com/org/${var.circleci_org_id}"
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "release_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/${local.provider}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.provider}:aud"
      values   = [var.circleci_org_id]
    }
    # The release project...
    condition {
      test     = "StringLike"
      variable = "${local.provider}:sub"
      values   = ["org/${var.circleci_org_id}/project/9d4b2f6e-1a3c-4e5d-8f7a-0b2c4d6e8f13/user/*"]
    }
    # ...and only its main branch.
    condition {
      test     = "StringLike"
      variable = "${local.provider}:sub"
      values   = ["org/${var.circleci_org_id}/project/*/user/*/vcs-origin/*/vcs-ref/refs/heads/main"]
    }
  }
}

resource "aws_iam_role" "release" {
  name               = "circleci-release"
  assume_role_policy = data.aws_iam_policy_document.release_trust.json
}
