"""Evaluation beside python3 -m swiftvr.evaluate: metrics, the evaluation set (make_eval_set) and the checks run on
it (motion_check, neighbour_check, soft_check), each a program (python3 -m swiftvr.eval.NAME). Evaluation sets and
crops live in model/eval/."""
