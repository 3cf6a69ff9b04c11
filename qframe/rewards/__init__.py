"""Reward allocation runs: finance shares a fixed pot by policy, with maker-checker approval."""
