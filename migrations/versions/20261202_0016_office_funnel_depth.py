"""office: each person's kept depth in the funnel (office_funnel_depth) and what it was built against

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

import learnapp.db

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('office_funnel_depth',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('depth', sa.SmallInteger(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_office_funnel_depth_user_id_user_account'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_office_funnel_depth'))
    )
    op.create_table('office_funnel_state',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('lessons_key', sa.String(length=4000), nullable=False),
    sa.Column('built_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_funnel_state'))
    )
    # The backfill is 0017's (the rows' shape changed there, and it runs today's rebuild).


def downgrade():
    op.drop_table('office_funnel_state')
    op.drop_table('office_funnel_depth')
