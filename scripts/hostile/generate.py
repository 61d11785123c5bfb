#!/usr/bin/env python3
"""Writes the hostile inputs of issue 15 into a folder (default: the current one).

Each row is a pair of identity policies, OLD and NEW, that differ a little, so that every
query has to look at the patterns that make the row expensive:

  infix        200 infix-wildcard resource patterns plus a Deny
  actions      2,000 action globs (Allow)
  notaction    2,000 action globs in NotAction
  fav500       ForAllValues:StringLike with 500 (infix) values
  keys         50 condition keys x 50 (infix) values
  mixed        ForAnyValue and ForAllValues on one key, 10 statements x 20 values each
  long10000    a 10,000-character condition value (a prefix on one side, a suffix on the other)
  long40000    the same with 40,000 characters
  lit10000     a 10,000-character StringEquals value, one character different on the other side
  lit40000     the same with 40,000 characters
  longres      a 40,000-character resource pattern
  favlike      ForAllValues:StringLike with 100 infix values
"""

import json
import os
import sys


def policy(statements):
    return {"Version": "2012-10-17", "Statement": statements}


def write(folder, name, old, new):
    for side, doc in (("old", old), ("new", new)):
        with open(os.path.join(folder, f"{name}_{side}.json"), "w") as f:
            json.dump(policy(doc), f)


def main(folder):
    os.makedirs(folder, exist_ok=True)
    deny = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::*secret*/*"}
    res = [f"arn:aws:s3:::*team{i}*/*data*" for i in range(200)]
    write(folder, "infix",
          [{"Effect": "Allow", "Action": "s3:*", "Resource": res}, deny],
          [{"Effect": "Allow", "Action": "s3:*", "Resource": res[:-1] + ["arn:aws:s3:::*team-x*/*"]}, deny])

    acts = [f"svc{i % 40}:*Get{i}*" for i in range(2000)]
    write(folder, "actions",
          [{"Effect": "Allow", "Action": acts, "Resource": "*"}],
          [{"Effect": "Allow", "Action": acts[:-1] + ["svc1:Put*"], "Resource": "*"}])
    write(folder, "notaction",
          [{"Effect": "Allow", "NotAction": acts, "Resource": "*"}],
          [{"Effect": "Allow", "NotAction": acts[:-1], "Resource": "*"}])

    def for_all(values):
        return [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                 "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": values}}}]
    tags = [f"*tag{i}*" for i in range(500)]
    write(folder, "fav500", for_all(tags), for_all(tags[:-1]))

    def keys(n):
        c = {f"aws:RequestTag/k{j}": [f"*k{j}v{i}*" for i in range(n)] for j in range(50)}
        return [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringLike": c}}]
    write(folder, "keys", keys(50), keys(49))

    def mixed(n):
        return [{"Effect": "Allow", "Action": f"s3:Get{j}*", "Resource": "*", "Condition": {
            "ForAnyValue:StringLike": {"aws:TagKeys": [f"*a{j}-{i}*" for i in range(n)]},
            "ForAllValues:StringLike": {"aws:TagKeys": [f"b{j}-{i}*" for i in range(n)]}}}
            for j in range(10)]
    write(folder, "mixed", mixed(20), mixed(19))

    for n in (10000, 40000):
        v = "a" * n
        def tag(value):
            return [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                     "Condition": {"StringLike": {"aws:PrincipalTag/x": value}}}]
        write(folder, f"long{n}", tag(v + "*"), tag("*" + v))
        literal = "b" * n
        def equals(value):
            return [{"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                     "Condition": {"StringEquals": {"aws:PrincipalTag/x": value}}}]
        write(folder, f"lit{n}", equals(literal), equals(literal[:-1] + "c"))
    v = "a" * 40000
    write(folder, "longres",
          [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::" + v + "*"}],
          [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::*" + v}])

    infix = [f"*k{i}*" for i in range(100)]
    write(folder, "favlike", for_all(infix), for_all(infix[:-1]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
