"""regelmotor's engine: a library with the pipeline as its folders, in order.

    case/      the case model, the rate tables, and the facts read off a case
    law/       the rule files: their schema, the condition language, its normal form, the rule book by date
    run/       running a rule set on the facts: compiled to durable-rules (the engine) or to Python (bulk, tests)
    answer/    the Evaluation built from what fired: outcomes, reasons, amounts, duties, citations
    verify/    `regelmotor check`: generated cases, the solver, the consistency report
    evaluate.py  the Evaluator that ties them together
    models.py    the two pydantic bases: strict input (case, rule files, rates), frozen output (answers)

The engine reads no environment variable and imports nothing from the front ends (api/, cli/, digisos/).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    ENGINE_VERSION = version("regelmotor")
except PackageNotFoundError:  # running from a source tree that is not installed
    ENGINE_VERSION = "0+unknown"
