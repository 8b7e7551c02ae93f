"""Help pages drawn from the definitions: workflows and rules."""
