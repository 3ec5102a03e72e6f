"""certificates: an image for the issuer and for each achievement

Revision ID: 0013
Revises: 0007
Create Date: 2026-12-01 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # {"sha256", "ext"} of a MediaAsset; empty until `learnapp content load` reads the images.
    with op.batch_alter_table('certificate_issuer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image', sa.JSON(), nullable=True))
    with op.batch_alter_table('certificate_achievement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate_achievement', schema=None) as batch_op:
        batch_op.drop_column('image')
    with op.batch_alter_table('certificate_issuer', schema=None) as batch_op:
        batch_op.drop_column('image')
