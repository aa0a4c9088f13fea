"""The law as the rule files write it: their schema, the condition language and its normal form, the rule book."""
