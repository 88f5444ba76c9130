"""The names of the values the engine keeps beside a resource's own inputs and outputs."""

PROVIDER_KEY = "__provider"
RESOURCE_NAME_KEY = "__resource_name"
AUTONAMED_KEY = "__autonamed"
STACK_AUTONAMED = "stack"  # the value of AUTONAMED_KEY when the name derives from the stack identity
STACK_IDENTITY_KEY = "__stack_identity"
# Where the object lives (endpoint and account id, never a key): checked before touching it.
TARGET_KEY = "__target"
MOVE_FROM_ENV = "SCPVS_MOVE_FROM"
# Outputs carry the inputs they were made from: the engine hands ``diff`` and ``update``
# the old *outputs*, where a live value (a generated public key, a default category)
# must not be mistaken for a changed input. States before 0.3 recorded every input here;
INPUTS_KEY = "__inputs"
# since then only the inputs the outputs do not show as they are, and the names of those
# left unset whose output has a value: most resources record one or two.
INPUTS_DELTA_KEY = "__inputs_delta"
TIMEOUTS_KEY = "timeouts"
ADOPT_KEY = "adopt_id"
KEEP_FAILED_KEY = "keep_failed"
# Volumes, server groups and images may share a name: creating one beside another of its name is opt-in.
ALLOW_DUPLICATE_NAME_KEY = "allow_duplicate_name"
# The named block of ``scpvs:profiles`` whose account and region the object lives in.
PROFILE_KEY = "profile"
# 0.1.0 gave every resource one shared Pulumi type and recorded its kind as this input.
LEGACY_KIND_KEY = "__kind"

# Inputs that say how to manage the object, not what it is: changing one touches no object.
MANAGEMENT_INPUTS = frozenset({TIMEOUTS_KEY, ADOPT_KEY, KEEP_FAILED_KEY, PROFILE_KEY, ALLOW_DUPLICATE_NAME_KEY})
# What the program's side hands the provider beside the inputs (never validated as one).
PROGRAM_KEYS = frozenset({PROVIDER_KEY, RESOURCE_NAME_KEY, AUTONAMED_KEY, STACK_IDENTITY_KEY, LEGACY_KIND_KEY})
# What a reviewer of a plan is not shown as a change: the engine's own values and the
# management inputs; a profile stays visible, since changing it may move the object.
HIDDEN_FROM_REVIEW = (PROGRAM_KEYS | {TARGET_KEY, INPUTS_KEY, INPUTS_DELTA_KEY} | MANAGEMENT_INPUTS) - {PROFILE_KEY}
