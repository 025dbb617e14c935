//! Terraform HCL (native syntax), read back into the Terraform JSON configuration it is equivalent to
//! (`.tf.json`), which the platforms already read.

pub(crate) mod policy_document;
