# The policy engine's rules, reasons and labels (rule ids as in policies/README.md).
